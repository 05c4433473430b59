//! libFuzzer target: see `cdu_fuzz::history` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cdu_fuzz::history(data));
