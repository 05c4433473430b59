//! A moment in time broken down as C's `struct tm` holds it, for
//! `--time-style=+FORMAT`.

/// A moment broken down in the local time zone, as `struct tm` holds it.
pub struct Moment {
    pub year: i64,
    /// 1 to 12.
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub nanosecond: u32,
    /// 0 for Sunday.
    pub weekday: u8,
    /// 0 for the first of January.
    pub yday: u16,
    /// East of UTC, in seconds.
    pub offset: i32,
    pub zone: String,
    /// Seconds since the epoch (rounded down).
    pub epoch: i64,
    /// The ISO 8601 week-based year and week number.
    pub iso_year: i64,
    pub iso_week: u8,
}

impl Moment {
    /// Breaks `zoned` down.
    pub fn new(zoned: &jiff::ZonedDateTime) -> Moment {
        let iso = zoned.date().iso_week_date();
        let zone = zoned
            .time_zone()
            .to_offset_info(zoned.timestamp())
            .abbreviation()
            .to_string();
        Moment {
            year: i64::from(zoned.year()),
            month: zoned.month() as u8,
            day: zoned.day() as u8,
            hour: zoned.hour() as u8,
            minute: zoned.minute() as u8,
            second: zoned.second() as u8,
            nanosecond: zoned.subsec_nanosecond() as u32,
            weekday: zoned.weekday().to_sunday_zero_offset() as u8,
            yday: (zoned.day_of_year() - 1) as u16,
            offset: zoned.offset().seconds(),
            zone,
            epoch: zoned.timestamp().as_second(),
            iso_year: i64::from(iso.year()),
            iso_week: iso.week() as u8,
        }
    }

    /// The weekday's English name, as the C locale writes it.
    pub fn day_name(&self) -> &'static str {
        DAYS[usize::from(self.weekday)]
    }

    /// The month's English name, as the C locale writes it.
    pub fn month_name(&self) -> &'static str {
        MONTHS[usize::from(self.month - 1)]
    }
}

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
