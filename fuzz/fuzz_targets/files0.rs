//! libFuzzer target: see `cdu_fuzz::files0` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cdu_fuzz::files0(data));
