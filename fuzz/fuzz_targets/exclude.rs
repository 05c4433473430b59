//! libFuzzer target: see `cdu_fuzz::exclude` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cdu_fuzz::exclude(data));
