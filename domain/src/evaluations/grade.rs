//! The satisfaction rating's outcome per project (Zhenhai's rule): 满意 when satisfied ratings exceed
//! half of the base; else 基本满意 when satisfied and basically satisfied together exceed half;
//! else 不满意.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
}

/// The grade a project earns; the same three words as a rating.
pub type Grade = Rating;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
}

impl Counts {
    pub fn add(&mut self, r: Rating) {
        match r {
            Rating::Satisfied => self.satisfied += 1,
            Rating::BasicallySatisfied => self.basically_satisfied += 1,
            Rating::Unsatisfied => self.unsatisfied += 1,
        }
    }

    pub fn total(&self) -> u32 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }

    /// (satisfied + basically satisfied) / ratings cast, in per mille, rounded down; None with no
    /// ratings.
    pub fn satisfaction_permille(&self) -> Option<u32> {
        let total = self.total();
        (total > 0).then(|| (self.satisfied + self.basically_satisfied) * 1000 / total)
    }
}

/// The grade for these counts against a base (deputies in office, present, or ratings cast).
pub fn grade(c: &Counts, base: u32) -> Grade {
    if 2 * c.satisfied > base {
        Rating::Satisfied
    } else if 2 * (c.satisfied + c.basically_satisfied) > base {
        Rating::BasicallySatisfied
    } else {
        Rating::Unsatisfied
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: u32, b: u32, u: u32) -> Counts {
        Counts {
            satisfied: s,
            basically_satisfied: b,
            unsatisfied: u,
        }
    }

    #[test]
    fn more_than_half_of_the_base() {
        // Base 327: 164 is more than half, 163 is not.
        assert_eq!(grade(&c(164, 0, 0), 327), Rating::Satisfied);
        assert_eq!(grade(&c(163, 1, 0), 327), Rating::BasicallySatisfied);
        assert_eq!(grade(&c(163, 0, 100), 327), Rating::Unsatisfied);
        // Base 10: exactly half is not more than half.
        assert_eq!(grade(&c(5, 0, 5), 10), Rating::Unsatisfied);
        assert_eq!(grade(&c(5, 1, 4), 10), Rating::BasicallySatisfied);
        assert_eq!(grade(&c(6, 0, 4), 10), Rating::Satisfied);
        assert_eq!(grade(&c(0, 0, 0), 0), Rating::Unsatisfied);
    }

    #[test]
    fn satisfaction_rate() {
        assert_eq!(c(3, 1, 4).satisfaction_permille(), Some(500));
        assert_eq!(c(2, 0, 1).satisfaction_permille(), Some(666));
        assert_eq!(c(0, 0, 0).satisfaction_permille(), None);
    }
}
