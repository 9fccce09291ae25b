//! The satisfaction rating (满意度测评) of adopted projects at a later session: the grade rule and the
//! service that runs a rating round with the vote's secrecy and one-per-deputy rules.

pub mod grade;
pub mod service;
pub mod subjects;
