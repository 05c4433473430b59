//! libFuzzer target: see `cdu_fuzz::import` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cdu_fuzz::import(data));
