//! Reading a deputies' CSV file the way congress offices save it: UTF-8 (with or without a byte
//! order mark), or GBK/GB18030 as Excel saves it on a Chinese Windows. A file must decode cleanly
//! in one encoding: one that mixes them (rows pasted from two sources) would store some names
//! garbled (王五 → 鐜嬩簲), so it is refused, naming the first row that differs.

/// Why a file cannot be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    /// The first row (1-based, counting a header) that does not decode.
    pub row: usize,
    /// True when earlier or later rows are UTF-8 and this one is not: the file mixes encodings.
    pub mixed: bool,
}

impl std::fmt::Display for EncodingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.mixed {
            write!(
                f,
                "row {} is not UTF-8 like the other rows: the file mixes encodings; save it again as one (UTF-8 or GBK)",
                self.row
            )
        } else {
            write!(
                f,
                "row {} is neither UTF-8 nor GBK text; save the file again as CSV",
                self.row
            )
        }
    }
}

fn first_bad_gbk_row(bytes: &[u8]) -> Option<usize> {
    bytes.split(|&b| b == b'\n').position(|line| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(line)
            .is_none()
    })
}

/// The file's text. `declared_gbk` when the sender said so (`charset=gbk`).
pub fn decode(bytes: &[u8], declared_gbk: bool) -> Result<String, EncodingError> {
    let gbk = |bytes: &[u8]| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| t.into_owned())
            .ok_or_else(|| EncodingError {
                row: first_bad_gbk_row(bytes).map_or(1, |i| i + 1),
                mixed: false,
            })
    };
    if declared_gbk {
        return gbk(bytes);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let first_bad = lines
        .iter()
        .position(|l| std::str::from_utf8(l).is_err())
        .expect("some line is not UTF-8");
    let some_utf8_non_ascii = lines
        .iter()
        .any(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok());
    if some_utf8_non_ascii {
        return Err(EncodingError {
            row: first_bad + 1,
            mixed: true,
        });
    }
    gbk(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn one_encoding_per_file() {
        assert_eq!(
            decode("m001,王五,三团\n".as_bytes(), false).unwrap(),
            "m001,王五,三团\n"
        );
        assert_eq!(
            decode(&gbk("m002,赵六,四团\n"), false).unwrap(),
            "m002,赵六,四团\n"
        );
        assert_eq!(
            decode(&gbk("m002,赵六,四团\n"), true).unwrap(),
            "m002,赵六,四团\n"
        );
        let mut mixed = "代表编号,姓名,代表团\nm001,王五,三团\n".as_bytes().to_vec();
        mixed.extend(gbk("m002,赵六,四团\n"));
        assert_eq!(
            decode(&mixed, false),
            Err(EncodingError {
                row: 3,
                mixed: true
            })
        );
        // GBK first, UTF-8 after: refused too, naming the GBK row.
        let mut mixed = gbk("m002,赵六,四团\n");
        mixed.extend("m001,王五,三团\n".as_bytes());
        assert_eq!(decode(&mixed, false).unwrap_err().row, 1);
        assert!(decode(&[0x81, 0x20, b'\n'], false).is_err());
    }
}
