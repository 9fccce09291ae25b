//! What an uploaded file is and what is kept of it. Pure: bytes in, bytes out.
//!
//! - The type comes from the file's first bytes (JPEG `FF D8 FF`, PNG's 8-byte signature, PDF
//!   `%PDF-`), never from its name or the browser's content type; anything else is refused.
//! - A photo is decoded and encoded again, so what is stored is its pixels and nothing else: no
//!   EXIF (the GPS location a phone writes), no XMP, no comments, no second image hidden after the
//!   first. The EXIF orientation is applied to the pixels first, so a phone photo still stands the
//!   right way up. The long side is brought down to [`MAX_PHOTO_SIDE`]; JPEGs are written at
//!   quality 90, PNGs losslessly. Colour profiles are not kept (a wide-gamut photo looks a little
//!   flatter).
//! - A thumbnail (JPEG, long side [`THUMBNAIL_SIDE`]) is made for each photo for the pages.
//! - A PDF is kept as sent (its own metadata included) and served as a download only.

use std::io::Cursor;

use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
    metadata::Orientation,
};
use sha2::{Digest, Sha256};

use crate::{
    error::{Error, ErrorCode, Result},
    text::parse_text,
    vocabulary::FileKind,
};

/// The long side, in pixels, a stored photo is brought down to (a 48-megapixel phone photo becomes
/// about 12 megapixels).
pub const MAX_PHOTO_SIDE: u32 = 4096;
/// The long side of a thumbnail, in pixels (sharp at 160 CSS pixels on a phone's 2× screen).
pub const THUMBNAIL_SIDE: u32 = 320;
/// Refuses decoding anything claiming more pixels per side than this (a decompression bomb).
const MAX_DECODE_SIDE: u32 = 16_384;
/// Refuses decoding anything claiming more pixels than this in all: 64 megapixels, above any
/// phone's ordinary photo (48 MP) — a decoded 64 MP photo takes 192 MB.
const MAX_DECODE_PIXELS: u64 = 64_000_000;
/// The most memory one decode may take, in bytes.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// A file as it arrived: the name the client gave and its bytes.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A file ready to store: checked, cleaned, with its thumbnail.
#[derive(Debug, Clone)]
pub struct PreparedFile {
    pub kind: FileKind,
    /// The client's name, without any folder, ending in the kind's extension.
    pub file_name: String,
    pub content: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
    /// SHA-256 of `content`, lowercase hex.
    pub sha256: String,
}

impl FileKind {
    /// The kind the bytes are, if it is one Minsheng accepts.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    /// The media type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn is_photo(self) -> bool {
        self != FileKind::Pdf
    }
}

/// Checks and cleans one upload. `max_bytes` is the setting for one file.
///
/// Errors (422): `file_too_large` over `max_bytes`; `unreadable_file` for an empty file or a photo
/// that does not decode (or claims more than 20,000 pixels a side); `unsupported_file_type` when the
/// bytes are not JPEG, PNG or PDF; `invalid_text` for a file name with control characters.
pub fn prepare(upload: Upload, max_bytes: usize) -> Result<PreparedFile> {
    let Upload { file_name, bytes } = upload;
    if bytes.is_empty() {
        return Err(Error::invalid_field(
            ErrorCode::UnreadableFile,
            "file",
            "the file is empty",
        ));
    }
    if bytes.len() > max_bytes {
        return Err(Error::invalid_field(
            ErrorCode::FileTooLarge,
            "file",
            format!(
                "the file is {} bytes; at most {max_bytes} bytes ({} MB) are accepted",
                bytes.len(),
                max_bytes / (1024 * 1024)
            ),
        ));
    }
    let kind = FileKind::sniff(&bytes).ok_or_else(|| {
        Error::invalid_field(
            ErrorCode::UnsupportedFileType,
            "file",
            "only photos (JPEG, PNG) and PDF files are accepted; the file's contents are neither, \
             whatever its name says",
        )
    })?;
    let file_name = clean_name(&file_name, kind)?;
    let (content, thumbnail) = match kind {
        FileKind::Pdf => (bytes, None),
        FileKind::Jpeg | FileKind::Png => {
            let (content, thumb) = photo(kind, &bytes)?;
            (content, Some(thumb))
        }
    };
    let sha256 = hex(&Sha256::digest(&content));
    Ok(PreparedFile {
        kind,
        file_name,
        content,
        thumbnail,
        sha256,
    })
}

/// The last part of the client's name (browsers on Windows may send a whole path), checked by the
/// one text rule, at most 100 characters, ending in the kind's extension.
fn clean_name(raw: &str, kind: FileKind) -> Result<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let base: String = base.chars().take(100).collect();
    let ext = kind.extension();
    let name = if base.is_empty() {
        format!("附件.{ext}")
    } else {
        parse_text("file_name", &base, 100)?
    };
    let lower = name.to_lowercase();
    let fits =
        lower.ends_with(&format!(".{ext}")) || (kind == FileKind::Jpeg && lower.ends_with(".jpeg"));
    Ok(if fits { name } else { format!("{name}.{ext}") })
}

fn unreadable(e: impl std::fmt::Display) -> Error {
    Error::invalid_field(
        ErrorCode::UnreadableFile,
        "file",
        format!("the photo cannot be read ({e}); send it again or as another JPEG or PNG"),
    )
}

/// Decodes the photo, turns it upright, and encodes it again with no metadata; and its thumbnail.
fn photo(kind: FileKind, bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    let format = match kind {
        FileKind::Png => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODE_SIDE);
    limits.max_image_height = Some(MAX_DECODE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_DECODE_PIXELS {
        return Err(unreadable(format!(
            "{w}×{h} pixels is more than a photo needs (at most 64 megapixels)"
        )));
    }
    // A photo whose EXIF cannot be read is taken as it stands.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > MAX_PHOTO_SIDE {
        // `thumbnail` samples in integers; `resize` would hold a float copy of the whole photo.
        img = img.thumbnail(MAX_PHOTO_SIDE, MAX_PHOTO_SIDE);
    }
    let content = match kind {
        FileKind::Png => {
            let mut out = Vec::new();
            img.write_with_encoder(PngEncoder::new(&mut out))
                .map_err(unreadable)?;
            out
        }
        _ => jpeg(&img, 90)?,
    };
    // `thumbnail` fits the box both ways; a photo already smaller is not blown up.
    let thumb = if img.width().max(img.height()) > THUMBNAIL_SIDE {
        jpeg(&img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE), 75)?
    } else {
        jpeg(&img, 75)?
    };
    Ok((content, thumb))
}

/// JPEG at `quality` (JPEG has no alpha: a transparent PNG's thumbnail is flattened).
fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img.to_rgb8())
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .map_err(|e| Error::Internal(format!("encoding a JPEG: {e}")))?;
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A `w`×`h` JPEG, left half red and right half blue, with `app1` inserted after SOI.
    fn jpeg_with(w: u32, h: u32, app1: Option<&[u8]>) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 95))
            .unwrap();
        if let Some(payload) = app1 {
            let len = (payload.len() + 2) as u16;
            let mut seg = vec![0xFF, 0xE1];
            seg.extend_from_slice(&len.to_be_bytes());
            seg.extend_from_slice(payload);
            out.splice(2..2, seg);
        }
        out
    }

    /// An EXIF block (big-endian TIFF) with one tag: orientation `o`, and a marker text after it
    /// standing for the GPS block a phone writes.
    fn exif(o: u16) -> Vec<u8> {
        let mut v = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
        v.extend_from_slice(&1u16.to_be_bytes());
        v.extend_from_slice(&0x0112u16.to_be_bytes());
        v.extend_from_slice(&3u16.to_be_bytes());
        v.extend_from_slice(&1u32.to_be_bytes());
        v.extend_from_slice(&o.to_be_bytes());
        v.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        v.extend_from_slice(b"GPS 29.56N 106.55E");
        v
    }

    fn upload(name: &str, bytes: Vec<u8>) -> Upload {
        Upload {
            file_name: name.into(),
            bytes,
        }
    }

    #[test]
    fn type_comes_from_the_bytes_not_the_name() {
        let e = prepare(upload("photo.jpg", b"<html>hi</html>".to_vec()), 1 << 20).unwrap_err();
        assert!(matches!(
            e,
            Error::Invalid {
                code: "unsupported_file_type",
                ..
            }
        ));
        let pdf = prepare(upload("report.jpg", b"%PDF-1.7\n...".to_vec()), 1 << 20).unwrap();
        assert_eq!(pdf.kind, FileKind::Pdf);
        assert_eq!(pdf.file_name, "report.jpg.pdf");
        assert!(pdf.thumbnail.is_none());
    }

    #[test]
    fn size_limit_and_empty_file() {
        let e = prepare(upload("a.pdf", vec![b'%'; 11]), 10).unwrap_err();
        assert!(matches!(
            e,
            Error::Invalid {
                code: "file_too_large",
                ..
            }
        ));
        let e = prepare(upload("a.pdf", vec![]), 10).unwrap_err();
        assert!(matches!(
            e,
            Error::Invalid {
                code: "unreadable_file",
                ..
            }
        ));
    }

    #[test]
    fn exif_is_gone_and_the_photo_stands_upright() {
        // Orientation 6: the camera was turned; the pixels must be rotated 90° clockwise.
        let sent = jpeg_with(64, 32, Some(&exif(6)));
        assert!(sent.windows(4).any(|w| w == b"GPS "));
        let p = prepare(upload("C:\\Users\\me\\IMG_0001.JPG", sent), 1 << 20).unwrap();
        assert_eq!(p.kind, FileKind::Jpeg);
        assert_eq!(p.file_name, "IMG_0001.JPG");
        assert!(!p.content.windows(4).any(|w| w == b"Exif"));
        assert!(!p.content.windows(4).any(|w| w == b"GPS "));
        let stored = image::load_from_memory(&p.content).unwrap();
        assert_eq!((stored.width(), stored.height()), (32, 64));
        // Rotated clockwise, the left (red) half is now on top.
        let top = stored.to_rgb8().get_pixel(16, 4).0;
        assert!(top[0] > 200 && top[2] < 60, "top pixel {top:?}");
        let thumb = image::load_from_memory(p.thumbnail.as_deref().unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (32, 64));
    }

    #[test]
    fn a_large_photo_is_brought_down_and_thumbnailed() {
        let p = prepare(upload("big.jpg", jpeg_with(5000, 100, None)), 10 << 20).unwrap();
        let stored = image::load_from_memory(&p.content).unwrap();
        assert_eq!(stored.width(), MAX_PHOTO_SIDE);
        let thumb = image::load_from_memory(p.thumbnail.as_deref().unwrap()).unwrap();
        assert_eq!(thumb.width(), THUMBNAIL_SIDE);
    }

    #[test]
    fn a_broken_photo_is_refused() {
        let mut b = jpeg_with(16, 16, None);
        b.truncate(40);
        let e = prepare(upload("x.jpg", b), 1 << 20).unwrap_err();
        assert!(matches!(
            e,
            Error::Invalid {
                code: "unreadable_file",
                ..
            }
        ));
        let e = prepare(upload("x.png", b"\x89PNG\r\n\x1a\nrest".to_vec()), 1 << 20).unwrap_err();
        assert!(matches!(
            e,
            Error::Invalid {
                code: "unreadable_file",
                ..
            }
        ));
    }

    /// PNG's CRC-32 (ISO 3309), so the test's chunk is a valid one.
    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in data {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn more_pixels_than_a_photo_needs_is_refused_before_decoding() {
        // A PNG signature and a header claiming 9000 × 9000 (81 megapixels).
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&9000u32.to_be_bytes());
        ihdr.extend_from_slice(&9000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        // The start of the image data, so the header is read as a whole.
        png.extend_from_slice(&0u32.to_be_bytes());
        png.extend_from_slice(b"IDAT");
        png.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
        let e = prepare(upload("bomb.png", png), 1 << 20).unwrap_err();
        match e {
            Error::Invalid { code, message, .. } => {
                assert_eq!(code, "unreadable_file");
                assert!(message.contains("64 megapixels"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn png_stays_png_without_text_chunks() {
        let img = RgbImage::from_pixel(10, 10, Rgb([1, 2, 3]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(PngEncoder::new(&mut out))
            .unwrap();
        // A tEXt chunk after IHDR (8-byte signature + 25-byte IHDR chunk).
        let text = b"Comment\0taken at home";
        let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
        let mut body = b"tEXt".to_vec();
        body.extend_from_slice(text);
        chunk.extend_from_slice(&body);
        chunk.extend_from_slice(&crc32(&body).to_be_bytes());
        out.splice(33..33, chunk);
        let p = prepare(upload("s.png", out), 1 << 20).unwrap();
        assert_eq!(p.kind, FileKind::Png);
        assert!(!p.content.windows(7).any(|w| w == b"at home"));
        assert_eq!(image::load_from_memory(&p.content).unwrap().width(), 10);
    }
}
