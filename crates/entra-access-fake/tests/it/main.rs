//! The integration tests of this crate, as one test binary (a module per
//! behaviour area): one link step and one process instead of one per file.

mod fake_graph;
mod fake_strict;
mod permissions;
