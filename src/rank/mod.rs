//! The rank stage: stories and signals in, a selected and ordered issue out. Pure: no
//! I/O and no clock reads.
//!
//! For now it holds only the clustering of "the same story across outlets"
//! ([`cluster`]) and the text normalisation it rests on ([`text`]); scoring and
//! selection land separately.

pub mod cluster;
pub mod text;
