//! The rules of a vote that need no database: methods, threshold bases, quorum, and whether a
//! ballot is valid for its vote. A ballot is parsed into a [`Ballot`] here; an invalid one never
//! reaches storage.

use crate::error::ErrorCode;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

pub use crate::vocabulary::{Method, ThresholdBase};

impl ThresholdBase {
    /// Yes votes a candidate needs: more than half of the base (327 → 164), or 1 with no base.
    pub fn required_yes(self, roster: u32, present: u32, ballots_cast: u32) -> u32 {
        let base = match self {
            ThresholdBase::AllDeputies => roster,
            ThresholdBase::Present => present,
            ThresholdBase::BallotsCast => ballots_cast,
            ThresholdBase::None => return 1,
        };
        base / 2 + 1
    }
}

/// Quorum (地方组织法 第十四条): at least two-thirds of the deputies in office, rounded up; exactly
/// two-thirds counts (120 → 80).
pub fn quorum_needed(roster: u32) -> u32 {
    (2 * roster).div_ceil(3)
}

/// 实到 of a vote or rating round: the distinct deputies who are marked present or who cast a
/// ballot in it. A deputy who voted was present for that vote, so a later absence mark cannot take
/// them out of the count: 实到 is never below the ballots cast (选举法 第四十四条 checks ballots
/// against deputies), and the same ballots always give the same threshold.
pub fn present_for_round(marked_present: &[Uuid], voted: &[Uuid]) -> u32 {
    marked_present
        .iter()
        .chain(voted)
        .collect::<HashSet<_>>()
        .len() as u32
}

/// Whether a published vote's full ballots are public beside their receipts: a named (记名) vote's
/// always are; a secret vote's only when the office set it, before opening, to publish them. Full
/// ballots next to receipts, or unique mark patterns, would let a coercer check how a deputy voted
/// (无记名投票), so a secret vote's ballots otherwise go to its scrutineers (监票人) only.
pub fn ballots_public(secret: bool, publish_ballots: bool) -> bool {
    !secret || publish_ballots
}

/// One deputy's choice on one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

/// A valid ballot, stored as canonical JSON (sorted, every candidate of a yes/no/abstain vote named).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    Selections(BTreeSet<Uuid>),
    Choices(BTreeMap<Uuid, Choice>),
}

/// A ballot as a deputy sent it, before checking.
#[derive(Debug, Clone)]
pub enum RawBallot {
    Selections(Vec<Uuid>),
    Choices(Vec<(Uuid, Choice)>),
}

impl Ballot {
    /// Checks a raw ballot against its vote. Refusals: a form that does not match the method, a
    /// candidate not on the vote (`unknown_candidate`), a candidate marked twice (`duplicate_mark`),
    /// more yes marks than seats (`too_many_marks`, void under 选举法 第四十四条). In a yes/no/abstain
    /// ballot a candidate left out counts as abstain.
    pub fn parse(
        method: Method,
        seats: u32,
        candidates: &[Uuid],
        raw: RawBallot,
    ) -> Result<Ballot> {
        let known: HashSet<&Uuid> = candidates.iter().collect();
        let check = |id: &Uuid, seen: &mut HashSet<Uuid>| -> Result<()> {
            if !known.contains(id) {
                return Err(Error::invalid_field(
                    ErrorCode::UnknownCandidate,
                    "ballot",
                    format!("{id} is not a candidate of this vote"),
                ));
            }
            if !seen.insert(*id) {
                return Err(Error::invalid_field(
                    ErrorCode::DuplicateMark,
                    "ballot",
                    format!("{id} is marked more than once"),
                ));
            }
            Ok(())
        };
        let too_many = |yes: usize| {
            Error::invalid_field(
                ErrorCode::TooManyMarks,
                "ballot",
                format!("{yes} yes marks for {seats} seats: a ballot may mark at most {seats}"),
            )
        };
        let mut seen = HashSet::new();
        match (method, raw) {
            (Method::ChooseUpToN, RawBallot::Selections(ids)) => {
                for id in &ids {
                    check(id, &mut seen)?;
                }
                if ids.len() > seats as usize {
                    return Err(too_many(ids.len()));
                }
                Ok(Ballot::Selections(ids.into_iter().collect()))
            }
            (Method::YesNoAbstain, RawBallot::Choices(choices)) => {
                for (id, _) in &choices {
                    check(id, &mut seen)?;
                }
                let yes = choices.iter().filter(|(_, c)| *c == Choice::Yes).count();
                if yes > seats as usize {
                    return Err(too_many(yes));
                }
                let mut all: BTreeMap<Uuid, Choice> =
                    candidates.iter().map(|c| (*c, Choice::Abstain)).collect();
                all.extend(choices);
                Ok(Ballot::Choices(all))
            }
            (Method::ChooseUpToN, _) => Err(Error::invalid_field(
                ErrorCode::WrongBallotForm,
                "selections",
                "this vote takes {\"selections\": [project_id, ...]}",
            )),
            (Method::YesNoAbstain, _) => Err(Error::invalid_field(
                ErrorCode::WrongBallotForm,
                "choices",
                "this vote takes {\"choices\": {project_id: \"yes\" | \"no\" | \"abstain\"}}",
            )),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a ballot serializes")
    }

    pub fn from_json(s: &str) -> Result<Ballot> {
        serde_json::from_str(s)
            .map_err(|e| Error::Internal(format!("stored ballot unreadable: {e}")))
    }

    /// This ballot's mark on one candidate.
    pub fn choice_for(&self, candidate: &Uuid) -> Option<Choice> {
        match self {
            Ballot::Selections(s) => s.contains(candidate).then_some(Choice::Yes),
            Ballot::Choices(c) => c.get(candidate).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_counts_every_deputy_who_voted() {
        let d: Vec<Uuid> = (0..6).map(|_| Uuid::new_v4()).collect();
        // Six voted, two of them later marked absent: still six present.
        assert_eq!(present_for_round(&[d[0], d[1], d[2], d[5]], &d), 6);
        // Present but not voted count too; nobody is counted twice.
        assert_eq!(present_for_round(&d, &d[..3]), 6);
        assert_eq!(present_for_round(&d[..2], &[]), 2);
        assert_eq!(present_for_round(&[], &d[..3]), 3);
        for n in 0..=6 {
            assert!(
                present_for_round(&d[..n], &d[2..]) >= 4,
                "never below ballots cast"
            );
        }
    }

    #[test]
    fn quorum_two_thirds_rounded_up() {
        assert_eq!(quorum_needed(120), 80);
        assert_eq!(quorum_needed(327), 218);
        assert_eq!(quorum_needed(100), 67);
        assert_eq!(quorum_needed(3), 2);
        assert_eq!(quorum_needed(1), 1);
        assert_eq!(quorum_needed(0), 0);
    }

    #[test]
    fn majority_of_all_deputies() {
        assert_eq!(ThresholdBase::AllDeputies.required_yes(327, 300, 290), 164);
        assert_eq!(ThresholdBase::AllDeputies.required_yes(326, 300, 290), 164);
        assert_eq!(ThresholdBase::Present.required_yes(327, 300, 290), 151);
        assert_eq!(ThresholdBase::BallotsCast.required_yes(327, 300, 291), 146);
        assert_eq!(ThresholdBase::None.required_yes(327, 300, 291), 1);
    }

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::new_v4()).collect()
    }

    #[test]
    fn ballot_refusals() {
        let c = ids(4);
        let code = |r: Result<Ballot>| match r {
            Err(Error::Invalid { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        let choose = |raw| Ballot::parse(Method::ChooseUpToN, 2, &c, raw);
        assert!(choose(RawBallot::Selections(vec![c[0], c[1]])).is_ok());
        assert!(choose(RawBallot::Selections(vec![])).is_ok());
        assert_eq!(
            code(choose(RawBallot::Selections(vec![c[0], c[1], c[2]]))),
            "too_many_marks"
        );
        assert_eq!(
            code(choose(RawBallot::Selections(vec![c[0], c[0]]))),
            "duplicate_mark"
        );
        assert_eq!(
            code(choose(RawBallot::Selections(vec![Uuid::new_v4()]))),
            "unknown_candidate"
        );
        assert_eq!(
            code(choose(RawBallot::Choices(vec![]))),
            "wrong_ballot_form"
        );

        let yna = |raw| Ballot::parse(Method::YesNoAbstain, 2, &c, raw);
        let b = yna(RawBallot::Choices(vec![
            (c[0], Choice::Yes),
            (c[1], Choice::No),
        ]))
        .unwrap();
        assert_eq!(b.choice_for(&c[2]), Some(Choice::Abstain));
        assert_eq!(b.choice_for(&c[1]), Some(Choice::No));
        assert_eq!(
            code(yna(RawBallot::Choices(vec![
                (c[0], Choice::Yes),
                (c[1], Choice::Yes),
                (c[2], Choice::Yes)
            ]))),
            "too_many_marks"
        );
        // Any number of no marks is fine.
        assert!(
            yna(RawBallot::Choices(
                c.iter().map(|id| (*id, Choice::No)).collect()
            ))
            .is_ok()
        );
        assert_eq!(
            code(yna(RawBallot::Choices(vec![
                (c[0], Choice::No),
                (c[0], Choice::Yes)
            ]))),
            "duplicate_mark"
        );
        assert_eq!(
            code(yna(RawBallot::Selections(vec![]))),
            "wrong_ballot_form"
        );
        assert_eq!(Ballot::from_json(&b.to_json()).unwrap(), b);
    }
}
