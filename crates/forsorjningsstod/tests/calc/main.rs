//! Integration tests of the försörjningsstöd calculation: the worked examples of the domain
//! notes, snapshots, properties and input validation.

mod examples;
mod helpers;
mod norm_files;
mod properties;
mod snapshots;
mod validation;
