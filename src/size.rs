//! Sizes as GNU du reads and prints them: the SIZE syntax of `-B`, `-t` and
//! the `*BLOCK_SIZE` variables (gnulib's xstrtol and humblock), and the
//! number formatting of `-h`, `--si` and `-B` (gnulib's human_readable).
//! Ported for behaviour, not copied: every branch here answers to a
//! differential test against GNU du.

/// How sizes are printed: the resolved `human_output_opts` and
/// `output_block_size` pair of GNU du.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeFormat {
    /// Divide byte counts by this before printing (1 with autoscale).
    pub block_size: u64,
    /// Pick the unit from the number (`-h`, `--si`).
    pub autoscale: bool,
    /// Powers of 1024 rather than 1000.
    pub base_1024: bool,
    /// Append a unit letter (`K`, `M`, …).
    pub si: bool,
    /// Append `B` (or `iB`) after the unit letter.
    pub suffix_b: bool,
    /// Group digits by the locale's thousands separator (a leading `'`).
    pub group_digits: bool,
}

impl SizeFormat {
    /// Plain numbers in units of `block_size`.
    pub const fn blocks(block_size: u64) -> Self {
        SizeFormat {
            block_size,
            autoscale: false,
            base_1024: false,
            si: false,
            suffix_b: false,
            group_digits: false,
        }
    }

    /// `-h`: powers of 1024 with a unit letter.
    pub const fn human() -> Self {
        SizeFormat {
            block_size: 1,
            autoscale: true,
            base_1024: true,
            si: true,
            suffix_b: false,
            group_digits: false,
        }
    }

    /// `--si`: powers of 1000 with a unit letter.
    pub const fn si() -> Self {
        SizeFormat {
            base_1024: false,
            ..Self::human()
        }
    }
}

/// Why a number in an option did not parse (gnulib's `strtol_error`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumError {
    Invalid,
    InvalidSuffix,
    Overflow,
}

/// Result of [`parse_number`]: the value is set in some error cases too,
/// exactly as gnulib's `xstrtoumax` sets it (callers like humblock rely on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub value: Option<i128>,
    /// Bytes of the input consumed by the number and its suffixes.
    pub end: usize,
    pub error: Option<NumError>,
}

const POWER_LETTERS: &[u8] = b"KMGTPEZYRQ";

/// Parses an integer with an optional multiplier suffix, like gnulib's
/// `xstrtoumax` (`signed == false`) or `xstrtoimax` (`signed == true`), with
/// `valid_suffixes` listing the accepted suffix letters and `0` allowing a
/// second `B`/`iB`/`D` suffix. The value is clamped to the type's range on
/// overflow.
pub fn parse_number(s: &[u8], signed: bool, valid_suffixes: &[u8]) -> Parsed {
    let (min, max): (i128, i128) = if signed {
        (i64::MIN as i128, i64::MAX as i128)
    } else {
        (0, u64::MAX as i128)
    };
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    if !signed && s.get(i) == Some(&b'-') {
        return Parsed {
            value: None,
            end: 0,
            error: Some(NumError::Invalid),
        };
    }
    // strtol: optional sign, then base-0 digits (0x.., 0.., decimal).
    let mut j = i;
    let mut negative = false;
    if let Some(&c) = s.get(j)
        && (c == b'+' || c == b'-')
    {
        negative = c == b'-';
        j += 1;
    }
    let (radix, digits_start) = if s.get(j) == Some(&b'0')
        && matches!(s.get(j + 1), Some(b'x' | b'X'))
        && s.get(j + 2).is_some_and(|c| c.is_ascii_hexdigit())
    {
        (16, j + 2)
    } else if s.get(j) == Some(&b'0') {
        (8, j)
    } else {
        (10, j)
    };
    let mut k = digits_start;
    let mut magnitude: i128 = 0;
    let mut range_error = false;
    while let Some(d) = s.get(k).and_then(|&c| (c as char).to_digit(radix)) {
        magnitude = magnitude * radix as i128 + d as i128;
        if magnitude > u64::MAX as i128 + 1 {
            magnitude = u64::MAX as i128 + 1;
            range_error = true;
        }
        k += 1;
    }
    let mut error = None;
    let mut tmp: i128;
    let mut p;
    if k == digits_start {
        // No digits at all: a valid suffix alone stands for 1.
        match s.first() {
            Some(c) if valid_suffixes.contains(c) => {
                tmp = 1;
                p = 0;
            }
            _ => {
                return Parsed {
                    value: None,
                    end: 0,
                    error: Some(NumError::Invalid),
                };
            }
        }
    } else {
        tmp = if negative { -magnitude } else { magnitude };
        if !signed && negative {
            // strtoumax negates in unsigned arithmetic; xstrtoumax already
            // refused a leading '-', so this is unreachable but harmless.
            tmp = 0;
        }
        if tmp > max || tmp < min || range_error {
            tmp = if tmp < 0 { min } else { max };
            error = Some(NumError::Overflow);
        }
        p = k;
    }
    if p < s.len() {
        let c = s[p];
        if !valid_suffixes.contains(&c) {
            return Parsed {
                value: Some(tmp),
                end: p,
                error: Some(NumError::InvalidSuffix),
            };
        }
        let mut base: i128 = 1024;
        let mut suffixes = 1;
        if b"EGgkKMmPQRTtYZ".contains(&c) && valid_suffixes.contains(&b'0') {
            match s.get(p + 1) {
                Some(b'i') if s.get(p + 2) == Some(&b'B') => suffixes += 2,
                Some(b'B' | b'D') => {
                    base = 1000;
                    suffixes += 1;
                }
                _ => {}
            }
        }
        let power = match c {
            b'b' => Some((512, 1)),
            b'B' => Some((1024, 1)),
            b'c' => Some((1, 1)),
            b'w' => Some((2, 1)),
            b'k' | b'K' => Some((base, 1)),
            b'M' | b'm' => Some((base, 2)),
            b'G' | b'g' => Some((base, 3)),
            b'T' | b't' => Some((base, 4)),
            b'P' => Some((base, 5)),
            b'E' => Some((base, 6)),
            b'Z' => Some((base, 7)),
            b'Y' => Some((base, 8)),
            b'R' => Some((base, 9)),
            b'Q' => Some((base, 10)),
            _ => None,
        };
        let Some((factor, times)) = power else {
            return Parsed {
                value: Some(tmp),
                end: p,
                error: Some(NumError::InvalidSuffix),
            };
        };
        for _ in 0..times {
            let scaled = tmp * factor;
            if scaled > max || scaled < min {
                tmp = if tmp < 0 { min } else { max };
                error = Some(NumError::Overflow);
            } else {
                tmp = scaled;
            }
        }
        p += suffixes;
        if p < s.len() {
            // gnulib ORs the two flags; the message then names the suffix.
            error = Some(NumError::InvalidSuffix);
        }
    }
    Parsed {
        value: Some(tmp),
        end: p,
        error,
    }
}

fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// The default output block size: 1024, or 512 under `POSIXLY_CORRECT`.
pub fn default_block_size(posixly_correct: bool) -> u64 {
    if posixly_correct { 512 } else { 1024 }
}

/// Parses a block-size SPEC as `-B` and the `*BLOCK_SIZE` variables do
/// (gnulib's `human_options`). On error the returned format is what GNU du
/// would go on with, which matters for an invalid `DU_BLOCK_SIZE`.
pub fn parse_block_size(spec: &[u8], posixly_correct: bool) -> (SizeFormat, Option<NumError>) {
    let mut fmt = SizeFormat::blocks(0);
    let mut spec = spec;
    let mut error = None;
    if spec.first() == Some(&b'\'') {
        fmt.group_digits = true;
        spec = &spec[1..];
    }
    // argmatch accepts any unambiguous prefix of these two words.
    let human = !spec.is_empty() && b"human-readable".starts_with(spec);
    let si = !spec.is_empty() && b"si".starts_with(spec);
    if human || si {
        let group = fmt.group_digits;
        fmt = if human {
            SizeFormat::human()
        } else {
            SizeFormat::si()
        };
        fmt.group_digits = group;
    } else {
        let parsed = parse_number(spec, false, b"eEgGkKmMpPtTyYzZ0");
        match parsed.error {
            Some(e) => {
                // gnulib resets the options but keeps whatever value
                // xstrtoumax stored.
                fmt = SizeFormat::blocks(parsed.value.unwrap_or(0) as u64);
                error = Some(e);
            }
            None => {
                fmt.block_size = parsed.value.unwrap_or(0) as u64;
                // A spec with no digit before its unit prints the unit
                // (`-BM`, not `-B1M`, nor `-B+5`).
                let end = parsed.end;
                if !spec[..end].iter().any(u8::is_ascii_digit) {
                    fmt.si = true;
                    if spec[end - 1] == b'B' {
                        fmt.suffix_b = true;
                    }
                    if spec[end - 1] != b'B' || (end >= 2 && spec[end - 2] == b'i') {
                        fmt.base_1024 = true;
                    }
                }
            }
        }
    }
    if fmt.block_size == 0 {
        fmt.block_size = default_block_size(posixly_correct);
        error = Some(NumError::Invalid);
    }
    (fmt, error)
}

/// The block size GNU du starts from: `DU_BLOCK_SIZE`, else `BLOCK_SIZE`,
/// else `BLOCKSIZE`, else the default. Errors in these are ignored, as GNU
/// du ignores them.
pub fn initial_format(
    du_block_size: Option<&[u8]>,
    block_size: Option<&[u8]>,
    blocksize: Option<&[u8]>,
    posixly_correct: bool,
) -> SizeFormat {
    match du_block_size.or(block_size).or(blocksize) {
        Some(spec) => parse_block_size(spec, posixly_correct).0,
        None => SizeFormat::blocks(default_block_size(posixly_correct)),
    }
}

/// [`format_size`] as a string, for screens that lay text out.
pub fn size_text(n: u64, fmt: &SizeFormat) -> String {
    let mut out = Vec::new();
    format_size(n, fmt, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Formats `n` (bytes, or a count with block size 1) the way GNU du prints
/// it: gnulib's `human_readable` with a source block size of 1 and ceiling
/// rounding. `thousands_sep` is the locale's separator for `'` grouping.
pub fn format_size(n: u64, fmt: &SizeFormat, out: &mut Vec<u8>) {
    // Sums saturate at the largest value, which therefore no longer names a
    // size: GNU du prints it as a word in every unit.
    if n == u64::MAX {
        out.extend_from_slice(b"Infinity");
        return;
    }
    let base: u64 = if fmt.base_1024 { 1024 } else { 1000 };
    let to = fmt.block_size.max(1);
    // With a source unit of one byte the division is always exact integer
    // arithmetic: amt, tenths and a rounding indicator for the rest.
    let mut amt = n / to;
    let r10 = (n % to) as u128 * 10;
    let mut tenths = (r10 / to as u128) as u32;
    let r2 = (r10 % to as u128) * 2;
    let mut rounding: u32 = if r2 < to as u128 {
        u32::from(r2 > 0)
    } else {
        2 + u32::from((to as u128) < r2)
    };
    let exponent_max = POWER_LETTERS.len() as i32;
    let mut exponent: i32 = -1;
    let mut fraction: Option<u32> = None;
    if fmt.autoscale {
        exponent = 0;
        if base <= amt {
            loop {
                let r10 = (amt % base) as u32 * 10 + tenths;
                let r2 = (r10 % base as u32) * 2 + (rounding >> 1);
                amt /= base;
                tenths = r10 / base as u32;
                rounding = if r2 < base as u32 {
                    u32::from(r2 + rounding != 0)
                } else {
                    2 + u32::from((base as u32) < r2 + rounding)
                };
                exponent += 1;
                if !(base <= amt && exponent < exponent_max) {
                    break;
                }
            }
            if amt < 10 {
                if rounding > 0 {
                    tenths += 1;
                    rounding = 0;
                    if tenths == 10 {
                        amt += 1;
                        tenths = 0;
                    }
                }
                if amt < 10 {
                    fraction = Some(tenths);
                    tenths = 0;
                    rounding = 0;
                }
            }
        }
    }
    if tenths + rounding > 0 {
        amt += 1;
        if fmt.autoscale && amt == base && exponent < exponent_max {
            exponent += 1;
            fraction = Some(0);
            amt = 1;
        }
    }
    // `group_digits` needs no work here: the C and C.UTF-8 locales that cdu
    // formats for have an empty thousands separator.
    out.extend_from_slice(amt.to_string().as_bytes());
    if let Some(f) = fraction {
        out.push(b'.');
        out.push(b'0' + f as u8);
    }
    if fmt.si {
        if exponent < 0 {
            exponent = 0;
            let mut power: u128 = 1;
            while power < to as u128 {
                power *= base as u128;
                exponent += 1;
                if exponent == exponent_max {
                    break;
                }
            }
        }
        if exponent > 0 {
            out.push(if !fmt.base_1024 && exponent == 1 {
                b'k'
            } else {
                POWER_LETTERS[exponent as usize - 1]
            });
        }
        if fmt.suffix_b {
            if fmt.base_1024 && exponent > 0 {
                out.push(b'i');
            }
            out.push(b'B');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(n: u64, f: SizeFormat) -> String {
        let mut v = Vec::new();
        format_size(n, &f, &mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn human_rounds_up_like_gnu() {
        assert_eq!(fmt(0, SizeFormat::human()), "0");
        assert_eq!(fmt(1023, SizeFormat::human()), "1023");
        assert_eq!(fmt(1024, SizeFormat::human()), "1.0K");
        assert_eq!(fmt(1025, SizeFormat::human()), "1.1K");
        assert_eq!(fmt(10 * 1024, SizeFormat::human()), "10K");
        assert_eq!(fmt(10 * 1024 + 1, SizeFormat::human()), "11K");
        assert_eq!(fmt(1024 * 1024 - 1, SizeFormat::human()), "1.0M");
        assert_eq!(fmt(4100, SizeFormat::si()), "4.1k");
        assert_eq!(fmt(999_999, SizeFormat::si()), "1.0M");
    }

    #[test]
    fn blocks_round_up() {
        assert_eq!(fmt(4096, SizeFormat::blocks(1024)), "4");
        assert_eq!(fmt(4097, SizeFormat::blocks(1024)), "5");
        assert_eq!(fmt(0, SizeFormat::blocks(1024)), "0");
    }

    #[test]
    fn block_size_specs() {
        let (f, e) = parse_block_size(b"KB", false);
        assert_eq!(e, None);
        assert_eq!(f.block_size, 1000);
        assert!(f.si && f.suffix_b && !f.base_1024);
        assert_eq!(fmt(4096, f), "5kB");
        let (f, _) = parse_block_size(b"KiB", false);
        assert_eq!(fmt(4096, f), "4KiB");
        let (f, _) = parse_block_size(b"1kB", false);
        assert_eq!(fmt(4096, f), "5");
        let (_, e) = parse_block_size(b"1X", false);
        assert_eq!(e, Some(NumError::InvalidSuffix));
        let (_, e) = parse_block_size(b"0", false);
        assert_eq!(e, Some(NumError::Invalid));
        let (_, e) = parse_block_size(b"-1", false);
        assert_eq!(e, Some(NumError::Invalid));
        let (f, e) = parse_block_size(b"+5", false);
        assert_eq!((f, e), (SizeFormat::blocks(5), None));
        let (f, e) = parse_block_size(b"h", false);
        assert_eq!((f, e), (SizeFormat::human(), None));
    }

    #[test]
    fn thresholds() {
        let p = parse_number(b"-5", true, b"kKmMGTPEZYRQ0");
        assert_eq!((p.value, p.error), (Some(-5), None));
        let p = parse_number(b"5Q", true, b"kKmMGTPEZYRQ0");
        assert_eq!(p.error, Some(NumError::Overflow));
        let p = parse_number(b"1MB", true, b"kKmMGTPEZYRQ0");
        assert_eq!(p.value, Some(1_000_000));
        let p = parse_number(b"k", true, b"kKmMGTPEZYRQ0");
        assert_eq!(p.value, Some(1024));
    }
}
