//! The schedule a create request asks for, collected from the builder's
//! setters and checked before sending.

use crate::error::{Error, Result};
use crate::models::{DateTime, Expiration, ExpirationType, IsoDuration, Schedule};

/// What the setters said; turned into a [`Schedule`] by [`build`](Self::build).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SchedulePlan {
    start: Option<DateTime>,
    end: Option<DateTime>,
    duration: Option<IsoDuration>,
    no_expiration: bool,
}

impl SchedulePlan {
    pub(crate) fn set_start(&mut self, at: Option<DateTime>) {
        self.start = at;
    }

    pub(crate) fn set_end(&mut self, at: Option<DateTime>) {
        self.end = at;
    }

    pub(crate) fn set_duration(&mut self, d: Option<IsoDuration>) {
        self.duration = d;
    }

    pub(crate) fn no_expiration(&mut self) {
        self.no_expiration = true;
    }

    /// Takes over everything `schedule` says (start and expiration),
    /// replacing what earlier setters said.
    /// `None` clears them all (the policy's default applies).
    pub(crate) fn replace_with(&mut self, schedule: Option<Schedule>) {
        let Some(schedule) = schedule else {
            *self = Self::default();
            return;
        };
        let exp = schedule.expiration.unwrap_or_default();
        *self = Self {
            start: schedule.start_date_time,
            end: exp.end_date_time,
            duration: exp.duration,
            no_expiration: exp.kind == Some(ExpirationType::NoExpiration),
        };
    }

    pub(crate) fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The schedule to send, `None` when nothing was set (the policy's
    /// default applies), or an `InvalidInput` error.
    pub(crate) fn build(&self) -> Result<Option<Schedule>> {
        let expiration = match (self.end, self.duration, self.no_expiration) {
            (Some(_), Some(_), _) => {
                return Err(Error::invalid_input(
                    "schedule",
                    "has both an end date and a duration; set only one",
                ))
            }
            (Some(_), None, true) | (None, Some(_), true) => {
                return Err(Error::invalid_input(
                    "schedule",
                    "says both `no_expiration` and an end; set only one",
                ))
            }
            (Some(end), None, false) => {
                if let Some(start) = self.start
                    && end <= start
                {
                    return Err(Error::invalid_input(
                        "schedule",
                        format!(
                            "ends ({}) before or when it starts ({})",
                            crate::models::format_datetime(&end),
                            crate::models::format_datetime(&start)
                        ),
                    ));
                }
                Some(Expiration::at(end))
            }
            (None, Some(d), false) => {
                if d.is_negative() || d.as_std().is_zero() {
                    return Err(Error::invalid_input(
                        "schedule duration",
                        format!("{d} is not longer than zero"),
                    ));
                }
                Some(Expiration::after_duration(d))
            }
            (None, None, true) => Some(Expiration::never()),
            (None, None, false) => None,
        };
        if self.start.is_none() && expiration.is_none() {
            return Ok(None);
        }
        Ok(Some(Schedule::new(self.start, expiration)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime {
        chrono::Utc.with_ymd_and_hms(2024, 5, day, 0, 0, 0).unwrap()
    }

    #[test]
    fn nothing_set_sends_no_schedule() {
        assert_eq!(SchedulePlan::default().build().unwrap(), None);
    }

    #[test]
    fn start_and_end() {
        let mut p = SchedulePlan::default();
        p.set_start(Some(t(1)));
        p.set_end(Some(t(31)));
        let s = p.build().unwrap().unwrap();
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            serde_json::json!({
                "startDateTime": "2024-05-01T00:00:00Z",
                "expiration": {"type": "afterDateTime", "endDateTime": "2024-05-31T00:00:00Z"}
            })
        );
    }

    #[test]
    fn conflicts_are_refused() {
        let mut p = SchedulePlan::default();
        p.set_end(Some(t(2)));
        p.set_duration(Some(IsoDuration::days(1)));
        assert!(p.build().unwrap_err().to_string().contains("only one"));

        let mut p = SchedulePlan::default();
        p.set_start(Some(t(2)));
        p.set_end(Some(t(2)));
        assert!(p
            .build()
            .unwrap_err()
            .to_string()
            .contains("before or when"));

        let mut p = SchedulePlan::default();
        p.no_expiration();
        p.set_duration(Some(IsoDuration::days(1)));
        assert!(p.build().is_err());

        let mut p = SchedulePlan::default();
        p.set_duration(Some(IsoDuration::ZERO));
        assert!(p
            .build()
            .unwrap_err()
            .to_string()
            .contains("longer than zero"));
    }

    #[test]
    fn a_whole_schedule_replaces_the_parts() {
        let mut p = SchedulePlan::default();
        p.set_end(Some(t(9)));
        p.replace_with(Some(Schedule::new(Some(t(1)), Some(Expiration::never()))));
        let s = p.build().unwrap().unwrap();
        assert_eq!(s.start_date_time, Some(t(1)));
        assert_eq!(s.expiration, Some(Expiration::never()));
    }
}
