//! The wall clock the terminals print: simulated time zero is 00:00:00 UTC
//! on Monday 1 March 1993, as an IOS box whose clock was never set starts,
//! and the hosts share it. Dates as IOS writes them (`Mar 02 1993 12:34 AM`
//! in DHCP tables, `show clock`) and as Windows does (`Monday, March 1, 1993
//! 12:00:00 AM`).

use crate::sim::Time;

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
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// A moment on the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
    /// 0 is Monday.
    pub weekday: usize,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

/// Days from 1970-01-01 to 1993-03-01 (a Monday).
const START_DAYS: i64 = 8460;

impl Civil {
    pub fn at(t: Time) -> Civil {
        let ms = t.since(Time::ZERO).millis();
        let secs = ms / 1000;
        let days = START_DAYS + (secs / 86_400) as i64;
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            // 1970-01-01 was a Thursday (3 when Monday is 0).
            weekday: (days + 3).rem_euclid(7) as usize,
            hour: ((secs / 3600) % 24) as u32,
            minute: ((secs / 60) % 60) as u32,
            second: (secs % 60) as u32,
            millis: (ms % 1000) as u32,
        }
    }

    fn hour12(&self) -> (u32, &'static str) {
        let h = if self.hour % 12 == 0 { 12 } else { self.hour % 12 };
        (h, if self.hour < 12 { "AM" } else { "PM" })
    }

    /// `Mar 02 1993 12:34 AM`: IOS's DHCP tables.
    pub fn ios_short(&self) -> String {
        let (h, ampm) = self.hour12();
        format!(
            "{} {:02} {} {h:02}:{:02} {ampm}",
            &MONTHS[self.month as usize - 1][..3],
            self.day,
            self.year,
            self.minute
        )
    }

    /// `*00:01:23.456 UTC Mon Mar 1 1993`: `show clock`.
    pub fn ios_clock(&self) -> String {
        format!(
            "*{:02}:{:02}:{:02}.{:03} UTC {} {} {} {}",
            self.hour,
            self.minute,
            self.second,
            self.millis,
            &WEEKDAYS[self.weekday][..3],
            &MONTHS[self.month as usize - 1][..3],
            self.day,
            self.year
        )
    }

    /// `Monday, March 1, 1993 12:00:00 AM`: Windows's long date and time.
    pub fn windows_long(&self) -> String {
        let (h, ampm) = self.hour12();
        format!(
            "{}, {} {}, {} {h}:{:02}:{:02} {ampm}",
            WEEKDAYS[self.weekday],
            MONTHS[self.month as usize - 1],
            self.day,
            self.year,
            self.minute,
            self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Duration;

    #[test]
    fn the_clock_starts_on_monday_1_march_1993_and_counts_on() {
        let start = Civil::at(Time::ZERO);
        assert_eq!(start.ios_clock(), "*00:00:00.000 UTC Mon Mar 1 1993");
        assert_eq!(start.windows_long(), "Monday, March 1, 1993 12:00:00 AM");
        let later = Civil::at(Time::ZERO + Duration::from_secs(86_400 * 31 + 13 * 3600 + 5 * 60 + 7));
        assert_eq!(later.ios_short(), "Apr 01 1993 01:05 PM");
        assert_eq!(later.windows_long(), "Thursday, April 1, 1993 1:05:07 PM");
        let leap = Civil::at(Time::ZERO + Duration::from_secs(86_400 * (365 + 305)));
        assert_eq!((leap.year, leap.month, leap.day), (1994, 12, 31));
    }
}
