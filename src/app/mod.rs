//! The program around the library: what belongs to the process and not to
//! a scan another program might run. The standard streams as they were at
//! exec, SIGPIPE, the terminal and job control while keys are watched,
//! exit statuses, `--bench-modes`, and the wiring of one run of `cdu`.
//! Nothing here is part of the public API: the binary reaches it through
//! [`crate::program`].

pub(crate) mod bench_modes;
pub(crate) mod process;
pub(crate) mod run;
pub(crate) mod stdio_state;
pub(crate) mod suspend;
pub(crate) mod terminal;
pub(crate) mod watch;
