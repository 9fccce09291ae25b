//! The count: yes/no/abstain per candidate, the pass threshold, ranking, and which candidates are
//! adopted, following 地方组织法 第二十五条 (majority) and 第二十九条 (ties at the cut-off go to a
//! runoff). A pure function of the ballots and the frozen counts.

use uuid::Uuid;

use super::rules::{Ballot, Choice, ThresholdBase};

#[derive(Debug, Clone)]
pub struct TallyInput<'a> {
    pub seats: u32,
    pub base: ThresholdBase,
    /// 应到: deputies in office on the roster.
    pub roster: u32,
    /// 实到: deputies present.
    pub present: u32,
    /// Candidates in ballot order.
    pub candidates: &'a [Uuid],
    pub ballots: &'a [Ballot],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateCount {
    pub project_id: Uuid,
    pub yes: u32,
    pub no: u32,
    /// Abstentions; in a choose-up-to-N vote, the ballots that did not mark this candidate.
    pub abstain: u32,
    /// Competition rank by yes votes among all candidates (1, 2, 2, 4, ...).
    pub rank: u32,
    pub passed: bool,
    pub adopted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every seat is filled, or all passing candidates are adopted with none left over.
    Decided,
    /// Candidates tie across the last seat: none of them is adopted; a runoff among exactly these
    /// fills `seats_left`.
    RunoffRequired { tied: Vec<Uuid>, seats_left: u32 },
    /// Fewer candidates passed than there are seats.
    SeatsUnfilled { unfilled: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub roster: u32,
    pub present: u32,
    pub ballots_cast: u32,
    /// 未投: present but did not vote.
    pub not_voted: u32,
    pub required_yes: u32,
    /// In ballot order.
    pub candidates: Vec<CandidateCount>,
    pub outcome: Outcome,
}

pub fn tally(input: &TallyInput) -> Tally {
    let ballots_cast = input.ballots.len() as u32;
    let required_yes = input
        .base
        .required_yes(input.roster, input.present, ballots_cast);
    let mut counts: Vec<CandidateCount> = input
        .candidates
        .iter()
        .map(|&project_id| {
            let (mut yes, mut no, mut abstain) = (0, 0, 0);
            for b in input.ballots {
                match b.choice_for(&project_id) {
                    Some(Choice::Yes) => yes += 1,
                    Some(Choice::No) => no += 1,
                    Some(Choice::Abstain) | None => abstain += 1,
                }
            }
            CandidateCount {
                project_id,
                yes,
                no,
                abstain,
                rank: 0,
                passed: yes >= required_yes,
                adopted: false,
            }
        })
        .collect();
    for i in 0..counts.len() {
        counts[i].rank = 1 + counts.iter().filter(|c| c.yes > counts[i].yes).count() as u32;
    }

    let mut passing: Vec<usize> = (0..counts.len()).filter(|&i| counts[i].passed).collect();
    passing.sort_by(|&a, &b| counts[b].yes.cmp(&counts[a].yes));
    let seats = input.seats as usize;
    let outcome = if passing.len() <= seats {
        for &i in &passing {
            counts[i].adopted = true;
        }
        if passing.len() < seats {
            Outcome::SeatsUnfilled {
                unfilled: (seats - passing.len()) as u32,
            }
        } else {
            Outcome::Decided
        }
    } else {
        let cutoff = counts[passing[seats - 1]].yes;
        let first_out = counts[passing[seats]].yes;
        if first_out == cutoff {
            // The seat boundary falls inside a group of equal counts: adopt only those above it.
            let above: Vec<usize> = passing
                .iter()
                .copied()
                .filter(|&i| counts[i].yes > cutoff)
                .collect();
            for &i in &above {
                counts[i].adopted = true;
            }
            let tied = passing
                .iter()
                .filter(|&&i| counts[i].yes == cutoff)
                .map(|&i| counts[i].project_id)
                .collect();
            Outcome::RunoffRequired {
                tied,
                seats_left: (seats - above.len()) as u32,
            }
        } else {
            for &i in &passing[..seats] {
                counts[i].adopted = true;
            }
            Outcome::Decided
        }
    };

    Tally {
        roster: input.roster,
        present: input.present,
        ballots_cast,
        not_voted: input.present.saturating_sub(ballots_cast),
        required_yes,
        candidates: counts,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn choose(c: &[Uuid], marks: &[usize]) -> Ballot {
        Ballot::Selections(marks.iter().map(|&i| c[i]).collect::<BTreeSet<_>>())
    }

    fn run(seats: u32, base: ThresholdBase, roster: u32, c: &[Uuid], ballots: &[Ballot]) -> Tally {
        tally(&TallyInput {
            seats,
            base,
            roster,
            present: roster,
            candidates: c,
            ballots,
        })
    }

    #[test]
    fn majority_of_327_is_164() {
        let c: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        // 164 ballots mark candidate 0, 163 mark candidate 1, nobody marks candidate 2.
        let mut ballots = vec![choose(&c, &[0]); 164];
        ballots.extend(vec![choose(&c, &[1]); 163]);
        let t = run(2, ThresholdBase::AllDeputies, 327, &c, &ballots);
        assert_eq!(t.required_yes, 164);
        assert!(t.candidates[0].passed && t.candidates[0].adopted);
        assert!(!t.candidates[1].passed && !t.candidates[1].adopted);
        assert_eq!(t.outcome, Outcome::SeatsUnfilled { unfilled: 1 });
        assert_eq!(t.candidates[1].abstain, 164);
        assert_eq!(t.not_voted, 0);
    }

    #[test]
    fn tie_across_the_last_seat_adopts_none_of_the_tied() {
        let c: Vec<Uuid> = (0..4).map(|_| Uuid::new_v4()).collect();
        // Yes counts: c0 = 5, c1 = 4, c2 = 4, c3 = 1; two seats; base none.
        let mut ballots = vec![choose(&c, &[0, 1]); 4];
        ballots.push(choose(&c, &[0, 2]));
        ballots.extend(vec![choose(&c, &[2]); 3]);
        ballots.push(choose(&c, &[3]));
        let t = run(2, ThresholdBase::None, 9, &c, &ballots);
        assert_eq!(
            t.candidates.iter().map(|x| x.yes).collect::<Vec<_>>(),
            vec![5, 4, 4, 1]
        );
        assert_eq!(
            t.candidates.iter().map(|x| x.rank).collect::<Vec<_>>(),
            vec![1, 2, 2, 4]
        );
        assert!(t.candidates[0].adopted);
        assert!(!t.candidates[1].adopted && !t.candidates[2].adopted);
        assert_eq!(
            t.outcome,
            Outcome::RunoffRequired {
                tied: vec![c[1], c[2]],
                seats_left: 1
            }
        );
    }

    #[test]
    fn tie_below_the_cut_off_does_not_matter() {
        let c: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        let ballots = vec![
            choose(&c, &[0]),
            choose(&c, &[0]),
            choose(&c, &[1]),
            choose(&c, &[2]),
        ];
        let t = run(1, ThresholdBase::None, 4, &c, &ballots);
        assert_eq!(t.outcome, Outcome::Decided);
        assert!(t.candidates[0].adopted);
    }

    #[test]
    fn yes_no_abstain_counts() {
        let c: Vec<Uuid> = (0..2).map(|_| Uuid::new_v4()).collect();
        let b =
            |a: Choice, z: Choice| Ballot::Choices([(c[0], a), (c[1], z)].into_iter().collect());
        let ballots = vec![
            b(Choice::Yes, Choice::No),
            b(Choice::Yes, Choice::Abstain),
            b(Choice::No, Choice::Yes),
        ];
        let t = tally(&TallyInput {
            seats: 1,
            base: ThresholdBase::Present,
            roster: 5,
            present: 4,
            candidates: &c,
            ballots: &ballots,
        });
        assert_eq!(
            (
                t.candidates[0].yes,
                t.candidates[0].no,
                t.candidates[0].abstain
            ),
            (2, 1, 0)
        );
        assert_eq!(
            (
                t.candidates[1].yes,
                t.candidates[1].no,
                t.candidates[1].abstain
            ),
            (1, 1, 1)
        );
        assert_eq!(t.required_yes, 3);
        assert_eq!(t.outcome, Outcome::SeatsUnfilled { unfilled: 1 });
        assert_eq!(t.not_voted, 1);
    }

    /// A plain reference: count yes per candidate, apply the threshold, and adopt the top `seats`
    /// unless the seat boundary splits equal counts.
    fn reference(
        seats: usize,
        required: u32,
        yes: &[u32],
    ) -> (Vec<bool>, Option<(Vec<usize>, usize)>) {
        let mut order: Vec<usize> = (0..yes.len()).filter(|&i| yes[i] >= required).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(yes[i]));
        let mut adopted = vec![false; yes.len()];
        if order.len() <= seats {
            order.iter().for_each(|&i| adopted[i] = true);
            return (adopted, None);
        }
        let cut = yes[order[seats - 1]];
        if yes[order[seats]] != cut {
            order[..seats].iter().for_each(|&i| adopted[i] = true);
            return (adopted, None);
        }
        let mut tied = Vec::new();
        for &i in &order {
            if yes[i] > cut {
                adopted[i] = true;
            } else if yes[i] == cut {
                tied.push(i);
            }
        }
        let left = seats - adopted.iter().filter(|a| **a).count();
        tied.sort();
        (adopted, Some((tied, left)))
    }

    proptest! {
        #[test]
        fn tally_matches_a_plain_count(
            n_candidates in 2usize..8,
            seats_raw in 1u32..7,
            marks in prop::collection::vec(prop::collection::vec(any::<bool>(), 8), 0..60),
            extra_roster in 0u32..40,
            base_pick in 0usize..4,
        ) {
            let seats = seats_raw.min(n_candidates as u32 - 1).max(1);
            let c: Vec<Uuid> = (0..n_candidates).map(|_| Uuid::new_v4()).collect();
            let ballots: Vec<Ballot> = marks
                .iter()
                .map(|row| {
                    let chosen: Vec<usize> = (0..n_candidates).filter(|&i| row[i]).take(seats as usize).collect();
                    choose(&c, &chosen)
                })
                .collect();
            let roster = ballots.len() as u32 + extra_roster;
            let base = [ThresholdBase::AllDeputies, ThresholdBase::Present, ThresholdBase::BallotsCast, ThresholdBase::None][base_pick];
            let t = run(seats, base, roster, &c, &ballots);

            let yes: Vec<u32> = (0..n_candidates)
                .map(|i| ballots.iter().filter(|b| b.choice_for(&c[i]) == Some(Choice::Yes)).count() as u32)
                .collect();
            prop_assert_eq!(t.candidates.iter().map(|x| x.yes).collect::<Vec<_>>(), yes.clone());
            let (adopted, runoff) = reference(seats as usize, t.required_yes, &yes);
            prop_assert_eq!(t.candidates.iter().map(|x| x.adopted).collect::<Vec<_>>(), adopted);

            let n_adopted = t.candidates.iter().filter(|x| x.adopted).count() as u32;
            prop_assert!(n_adopted <= seats);
            prop_assert!(t.candidates.iter().all(|x| !x.adopted || x.passed));
            // The cut-off never splits a tie: no adopted candidate has the yes count of a passing one left out.
            for a in t.candidates.iter().filter(|x| x.adopted) {
                prop_assert!(!t.candidates.iter().any(|o| o.passed && !o.adopted && o.yes == a.yes));
            }
            match (&t.outcome, runoff) {
                (Outcome::RunoffRequired { tied, seats_left }, Some((ref_tied, ref_left))) => {
                    let mut got: Vec<usize> = tied.iter().map(|id| c.iter().position(|x| x == id).unwrap()).collect();
                    got.sort();
                    prop_assert_eq!(got, ref_tied.clone());
                    prop_assert_eq!(*seats_left as usize, ref_left);
                    prop_assert!(ref_tied.len() > ref_left);
                    prop_assert_eq!(n_adopted + seats_left, seats);
                }
                (Outcome::SeatsUnfilled { unfilled }, None) => prop_assert_eq!(n_adopted + unfilled, seats),
                (Outcome::Decided, None) => prop_assert_eq!(n_adopted, seats),
                (o, r) => prop_assert!(false, "outcome {:?} against reference {:?}", o, r),
            }
        }
    }
}
