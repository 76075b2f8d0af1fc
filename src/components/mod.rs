//! The widget's components, one per file.

pub mod breadcrumb;
pub mod fix;
pub mod outcome;
pub mod problems;
pub mod progress;
pub mod question;
pub mod rich_text;
pub mod speed_report;
pub mod speed_test;
pub mod troubleshooter;
