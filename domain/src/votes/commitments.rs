//! Publication commitments: SHA-256 digests a vote records as it goes, so that after the fact
//! anyone holding the same data can show nothing was changed. Each digest is the SHA-256 (lowercase
//! hex) of lines, each ending in `\n`, in a fixed order:
//!
//! | digest | recorded | lines | who can recompute it |
//! |---|---|---|---|
//! | `roster_sha256` | at opening | the roster's deputy codes, sorted | the office, from its roster |
//! | `candidates_sha256` | at opening | the candidates' project ids (lowercase, hyphenated), in ballot order | anyone, from the published results |
//! | `receipts_sha256` | at closing | the receipts, sorted | anyone, from the public bulletin |
//! | `ballots_sha256` | at closing | each ballot's marks (below), sorted — no receipts, as the scrutineers' copy has none | the scrutineers from their full copy; anyone when the bulletin lists the ballots |
//!
//! A ballot's marks: for `choose_up_to_n`, the chosen project ids sorted and joined by `,` (empty
//! for a blank ballot); for `yes_no_abstain`, `id=yes|no|abstain` for every candidate, sorted by id
//! and joined by `,`. The README shows the few lines of Python that recompute them.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::rules::{Ballot, Choice};

/// SHA-256 of the lines, each followed by `\n`, as lowercase hex.
pub fn digest<I, S>(lines: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut h = Sha256::new();
    for l in lines {
        h.update(l.as_ref().as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The roster's digest: its deputy codes, sorted.
pub fn roster(mut codes: Vec<String>) -> String {
    codes.sort();
    digest(codes)
}

/// The candidates' digest: their project ids in ballot order.
pub fn candidates(ids: &[Uuid]) -> String {
    digest(ids.iter().map(|i| i.to_string()))
}

/// The receipts' digest: the receipts, sorted.
pub fn receipts(mut receipts: Vec<String>) -> String {
    receipts.sort();
    digest(receipts)
}

/// One ballot's line: its marks.
pub fn marks(ballot: &Ballot) -> String {
    let marks: Vec<String> = match ballot {
        // Both are ordered collections of ids, so the marks come out sorted.
        Ballot::Selections(s) => s.iter().map(|id| id.to_string()).collect(),
        Ballot::Choices(c) => c
            .iter()
            .map(|(id, choice)| {
                let word = match choice {
                    Choice::Yes => "yes",
                    Choice::No => "no",
                    Choice::Abstain => "abstain",
                };
                format!("{id}={word}")
            })
            .collect(),
    };
    marks.join(",")
}

/// The ballots' digest: each ballot's marks, sorted (so neither the order of casting nor any
/// receipt enters it).
pub fn ballots(ballots: &[Ballot]) -> String {
    let mut lines: Vec<String> = ballots.iter().map(marks).collect();
    lines.sort();
    digest(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn known_values() {
        // sha256("") and sha256("a\nb\n"), as `printf 'a\nb\n' | sha256sum` gives.
        assert_eq!(
            digest(Vec::<String>::new()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            receipts(vec!["b".into(), "a".into()]),
            "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"
        );
    }

    #[test]
    fn ballot_lines_are_canonical() {
        let a = Uuid::parse_str("00000000-0000-4000-8000-000000000002").unwrap();
        let b = Uuid::parse_str("00000000-0000-4000-8000-000000000001").unwrap();
        let s = Ballot::Selections(BTreeSet::from([a, b]));
        assert_eq!(
            marks(&s),
            "00000000-0000-4000-8000-000000000001,00000000-0000-4000-8000-000000000002"
        );
        assert_eq!(marks(&Ballot::Selections(BTreeSet::new())), "");
        let c = Ballot::Choices([(a, Choice::No), (b, Choice::Yes)].into_iter().collect());
        assert_eq!(
            marks(&c),
            "00000000-0000-4000-8000-000000000001=yes,00000000-0000-4000-8000-000000000002=no"
        );
        // The order of casting does not matter.
        assert_eq!(ballots(&[s.clone(), c.clone()]), ballots(&[c, s]));
    }
}
