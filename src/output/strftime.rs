//! `--time-style=+FORMAT`: the conversions of GNU's strftime (gnulib's
//! `nstrftime`, which du's `fprintftime` is), in the C locale, with its
//! flags (`_ - 0 + ^ #`), widths, `E`/`O` modifiers, `%N` and `%:z`, and
//! its way of printing a conversion it does not know: as written. jiff's
//! own strftime differs in the corners du users meet (`%r`, `%#a`, `%10N`,
//! offsets with seconds, unknown conversions), so du's is kept here.

use super::moment::Moment;

/// Appends `moment` written in `format` to `out`.
pub fn format(format: &[u8], moment: &Moment, out: &mut Vec<u8>) {
    Formatter {
        moment,
        out,
        year_pad: 0,
    }
    .run(format, false, None);
}

/// How one conversion is to be written: what its flags, width and
/// modifier asked for.
#[derive(Clone, Copy)]
struct Spec {
    /// `_`, `-`, `0`, `+`, or 0 for the conversion's own default.
    pad: u8,
    width: Option<usize>,
    upper: bool,
    lower: bool,
}

impl Spec {
    /// The width padding is made up to, none with `-`.
    fn target(&self) -> usize {
        if self.pad == b'-' {
            0
        } else {
            self.width.unwrap_or(0)
        }
    }

    fn fill(&self) -> u8 {
        if matches!(self.pad, b'0' | b'+') {
            b'0'
        } else {
            b' '
        }
    }
}

struct Formatter<'a> {
    moment: &'a Moment,
    out: &'a mut Vec<u8>,
    /// The padding years take when their conversion names none: that of
    /// the enclosing conversion (`%_12F`).
    year_pad: u8,
}

/// A number as strftime writes it: its digits, how many it has at
/// least, and whether it takes a sign.
struct Number {
    digits: usize,
    negative: bool,
    magnitude: u64,
    always_sign: bool,
    /// Bits saying after which digits (from the right) a colon goes.
    colons: u32,
}

impl Formatter<'_> {
    /// Writes `format`. `upcase` comes from an enclosing conversion
    /// (`%^c`); `first_width` is the width its first conversion gets when
    /// it names none (`%12F`).
    fn run(&mut self, format: &[u8], upcase: bool, first_width: Option<usize>) {
        let mut i = 0;
        let mut inherited_width = first_width;
        while i < format.len() {
            let width_default = inherited_width.take();
            if format[i] != b'%' {
                self.out.push(format[i]);
                i += 1;
                continue;
            }
            let percent = i;
            let mut spec = Spec {
                pad: 0,
                width: width_default,
                upper: upcase,
                lower: false,
            };
            let mut change_case = false;
            i += 1;
            while let Some(&c) = format.get(i) {
                match c {
                    b'_' | b'-' | b'+' | b'0' => spec.pad = c,
                    b'^' => spec.upper = true,
                    b'#' => change_case = true,
                    _ => break,
                }
                i += 1;
            }
            if format.get(i).is_some_and(u8::is_ascii_digit) {
                let mut width: usize = 0;
                while let Some(&d) = format.get(i).filter(|d| d.is_ascii_digit()) {
                    // C's int: a width past it is the largest int.
                    width = (width * 10 + usize::from(d - b'0')).min(i32::MAX as usize);
                    i += 1;
                }
                spec.width = Some(width);
            }
            let modifier = match format.get(i) {
                Some(&m @ (b'E' | b'O')) => {
                    i += 1;
                    m
                }
                _ => 0,
            };
            let Some(&conversion) = format.get(i) else {
                // A `%` and flags at the end are written as they are.
                self.copy(&format[percent..], spec);
                return;
            };
            let bad = self.convert(conversion, modifier, &mut spec, change_case, format, &mut i);
            match bad {
                Done::Next => i += 1,
                Done::Bad => {
                    self.copy(&format[percent..=i], spec);
                    i += 1;
                }
                Done::BadPercent => {
                    // `%5%`: what came before the second `%` is written as
                    // it is, and that `%` starts the next conversion.
                    self.copy(&format[percent..i], spec);
                }
            }
        }
    }

    /// Writes one conversion; `i` is at its letter (and moves past the
    /// colons of `%::z`).
    fn convert(
        &mut self,
        conversion: u8,
        modifier: u8,
        spec: &mut Spec,
        change_case: bool,
        format: &[u8],
        i: &mut usize,
    ) -> Done {
        let m = self.moment;
        let not_e = modifier != b'E';
        let not_o = modifier != b'O';
        let hour12 = (u64::from(m.hour) + 11) % 12 + 1;
        match conversion {
            b'%' => {
                if format[*i - 1] != b'%' {
                    return Done::BadPercent;
                }
                self.copy(b"%", *spec);
            }
            b'a' | b'A' if modifier == 0 => {
                if change_case {
                    spec.upper = true;
                }
                let day = m.day_name();
                let name = if conversion == b'a' { &day[..3] } else { day };
                self.copy(name.as_bytes(), *spec);
            }
            b'b' | b'h' | b'B' if not_e => {
                if change_case {
                    spec.upper = true;
                }
                let month = m.month_name();
                let name = if conversion == b'B' {
                    month
                } else {
                    &month[..3]
                };
                self.copy(name.as_bytes(), *spec);
            }
            b'c' if not_o => self.sub(b"%a %b %e %H:%M:%S %Y", *spec, None),
            b'x' if not_o => self.sub(b"%m/%d/%y", *spec, None),
            b'D' if modifier == 0 => self.sub(b"%m/%d/%y", *spec, None),
            b'X' if not_o => self.sub(b"%H:%M:%S", *spec, None),
            b'T' => self.sub(b"%H:%M:%S", *spec, None),
            b'R' => self.sub(b"%H:%M", *spec, None),
            b'r' => self.sub(b"%I:%M:%S %p", *spec, None),
            b'F' if modifier == 0 => {
                let year_width = if spec.pad == 0 && spec.width.is_none() {
                    spec.pad = b'+';
                    4
                } else {
                    spec.width.unwrap_or(0).saturating_sub(6)
                };
                self.sub(b"%Y-%m-%d", *spec, Some(year_width));
            }
            b'C' => {
                // C's division truncates: the years 0 to 1899 count
                // from the century below.
                let tm_year = m.year - 1900;
                let below_1900 = (0..1900).contains(&m.year);
                let century = (tm_year - if below_1900 { 99 } else { 0 }) / 100 + 19;
                self.yearish(2, m.year < 0, century.unsigned_abs(), *spec);
            }
            b'Y' if not_o => self.yearish(4, m.year < 0, m.year.unsigned_abs(), *spec),
            b'y' => self.yearish(2, false, m.year.unsigned_abs() % 100, *spec),
            b'G' if not_e => self.yearish(4, m.iso_year < 0, m.iso_year.unsigned_abs(), *spec),
            b'g' if not_e => {
                self.yearish(2, false, m.iso_year.unsigned_abs() % 100, *spec);
            }
            b'V' if not_e => self.number(2, u64::from(m.iso_week), *spec),
            b'd' if not_e => self.number(2, u64::from(m.day), *spec),
            b'e' if not_e => self.space_padded(2, u64::from(m.day), *spec),
            b'H' if not_e => self.number(2, u64::from(m.hour), *spec),
            b'I' if not_e => self.number(2, hour12, *spec),
            b'k' if not_e => self.space_padded(2, u64::from(m.hour), *spec),
            b'l' if not_e => self.space_padded(2, hour12, *spec),
            b'j' if not_e => self.number(3, u64::from(m.yday) + 1, *spec),
            b'M' if not_e => self.number(2, u64::from(m.minute), *spec),
            b'm' if not_e => self.number(2, u64::from(m.month), *spec),
            b'S' if not_e => self.number(2, u64::from(m.second), *spec),
            b'q' if not_o => self.number(1, u64::from(m.month - 1) / 3 + 1, *spec),
            b'u' => self.number(1, u64::from((m.weekday + 6) % 7 + 1), *spec),
            b'w' if not_e => self.number(1, u64::from(m.weekday), *spec),
            b'U' if not_e => {
                let week = (u64::from(m.yday) + 7 - u64::from(m.weekday)) / 7;
                self.number(2, week, *spec);
            }
            b'W' if not_e => {
                let monday_based = u64::from((m.weekday + 6) % 7);
                self.number(2, (u64::from(m.yday) + 7 - monday_based) / 7, *spec);
            }
            b'n' => self.copy(b"\n", *spec),
            b't' => self.copy(b"\t", *spec),
            b'N' if not_e => self.nanoseconds(*spec),
            b'p' | b'P' => {
                if conversion == b'P' || change_case {
                    spec.lower = true;
                }
                if change_case {
                    spec.upper = false;
                }
                let half = if m.hour < 12 { "AM" } else { "PM" };
                self.copy(half.as_bytes(), *spec);
            }
            b's' => {
                self.signed(
                    Number {
                        digits: 1,
                        negative: m.epoch < 0,
                        magnitude: m.epoch.unsigned_abs(),
                        always_sign: false,
                        colons: 0,
                    },
                    *spec,
                );
            }
            b'Z' => {
                if change_case {
                    spec.upper = false;
                    spec.lower = true;
                }
                let zone = m.zone.clone();
                self.copy(zone.as_bytes(), *spec);
            }
            b'z' => self.offset(0, *spec),
            b':' => {
                let colons = format[*i..].iter().take_while(|&&c| c == b':').count();
                if format.get(*i + colons) != Some(&b'z') || colons > 3 {
                    return Done::Bad;
                }
                *i += colons;
                self.offset(colons, *spec);
            }
            _ => return Done::Bad,
        }
        Done::Next
    }

    /// Writes `text` padded to the width, in the case asked for.
    fn copy(&mut self, text: &[u8], spec: Spec) {
        let pad = spec.target().saturating_sub(text.len());
        self.out.extend(std::iter::repeat_n(spec.fill(), pad));
        self.out.extend(text.iter().map(|&b| {
            if spec.lower {
                b.to_ascii_lowercase()
            } else if spec.upper {
                b.to_ascii_uppercase()
            } else {
                b
            }
        }));
    }

    /// A conversion made of others (`%c`, `%F`, ...), padded as a whole.
    fn sub(&mut self, format: &[u8], spec: Spec, first_width: Option<usize>) {
        let mut text = Vec::new();
        Formatter {
            moment: self.moment,
            out: &mut text,
            year_pad: spec.pad,
        }
        .run(format, spec.upper, first_width);
        self.copy(
            &text,
            Spec {
                upper: false,
                lower: false,
                ..spec
            },
        );
    }

    fn number(&mut self, digits: usize, value: u64, spec: Spec) {
        self.signed(
            Number {
                digits,
                negative: false,
                magnitude: value,
                always_sign: false,
                colons: 0,
            },
            spec,
        );
    }

    fn space_padded(&mut self, digits: usize, value: u64, mut spec: Spec) {
        if spec.pad == 0 {
            spec.pad = b'_';
        }
        self.number(digits, value, spec);
    }

    /// A year or century: `+` shows a sign where the value is wider than
    /// usual or the width asks for more digits than usual.
    fn yearish(&mut self, digits: usize, negative: bool, magnitude: u64, mut spec: Spec) {
        if spec.pad == 0 {
            spec.pad = self.year_pad;
        }
        let usual_max = if digits == 2 { 99 } else { 9999 };
        let always_sign =
            spec.pad == b'+' && (usual_max < magnitude || spec.width.is_some_and(|w| digits < w));
        self.signed(
            Number {
                digits,
                negative,
                magnitude,
                always_sign,
                colons: 0,
            },
            spec,
        );
    }

    fn offset(&mut self, colons: usize, spec: Spec) {
        let m = self.moment;
        let all = m.offset.unsigned_abs();
        let (hours, minutes, seconds) = (all / 3600, all / 60 % 60, all % 60);
        let (digits, mask, value) = match colons {
            0 => (5, 0, hours * 100 + minutes),
            1 => (6, 0o4, hours * 100 + minutes),
            3 if seconds == 0 && minutes == 0 => (3, 0, hours),
            3 if seconds == 0 => (6, 0o4, hours * 100 + minutes),
            _ => (9, 0o24, hours * 10000 + minutes * 100 + seconds),
        };
        let negative = m.offset < 0 || (m.offset == 0 && m.zone.starts_with('-'));
        self.signed(
            Number {
                digits,
                negative,
                magnitude: u64::from(value),
                always_sign: true,
                colons: mask,
            },
            spec,
        );
    }

    /// `%N`: nanoseconds, as many digits as the width (9 by default);
    /// with `-` or `_` the trailing zeros go (`_` pads them with spaces).
    fn nanoseconds(&mut self, spec: Spec) {
        let width = spec.width.filter(|&w| w > 0).unwrap_or(9);
        let mut n = self.moment.nanosecond;
        let mut digits = 9;
        while width < digits || (1 < digits && n.is_multiple_of(10)) {
            digits -= 1;
            n /= 10;
        }
        let text = format!("{n:0digits$}");
        self.out.extend_from_slice(text.as_bytes());
        let spec = Spec {
            pad: if spec.pad == 0 { b'0' } else { spec.pad },
            width: Some(width),
            ..spec
        };
        let fill = spec.target().saturating_sub(digits);
        self.out.extend(std::iter::repeat_n(spec.fill(), fill));
    }

    /// A number with its sign and padding: zeros go after the sign,
    /// spaces before it.
    fn signed(&mut self, number: Number, mut spec: Spec) {
        let mut text = Vec::new();
        let mut value = number.magnitude;
        let mut colons = number.colons;
        loop {
            if colons & 1 != 0 {
                text.push(b':');
            }
            colons >>= 1;
            text.push(b'0' + (value % 10) as u8);
            value /= 10;
            if value == 0 && colons == 0 {
                break;
            }
        }
        text.reverse();
        if spec.pad == 0 {
            spec.pad = b'0';
        }
        let mut width = spec.width.unwrap_or(number.digits);
        let sign = if number.negative {
            Some(b'-')
        } else if number.always_sign {
            Some(b'+')
        } else {
            None
        };
        if let Some(sign) = sign {
            let shortage = width.saturating_sub(1 + text.len());
            if spec.pad == b'_' {
                self.out.extend(std::iter::repeat_n(b' ', shortage));
                width -= shortage;
            }
            self.out.push(sign);
            width = width.saturating_sub(1);
        }
        self.copy(
            &text,
            Spec {
                width: Some(width),
                ..spec
            },
        );
    }
}

enum Done {
    Next,
    Bad,
    BadPercent,
}
