//! The studio's panels, one per file.

pub mod coverage;
pub mod diagram;
pub mod editor;
pub mod figures;
pub mod open_bar;
pub mod path_tests;
pub mod preview;
pub mod problem_list;
pub mod take_away;
