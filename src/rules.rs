//! Zoom's documented limits and the gateway's own safety rules, checked before any request.
//!
//! Sources: Zoom's OpenAPI description of create and update (`meetings-openapi.json`) and
//! the notes in `API-NOTES.md`, section 4. Each error reads `field: rule`.

use crate::event::Invalid;
use crate::json::{self, Object, Value};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but unreserved characters and `@` is escaped in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

const TOPIC_MAX: usize = 200;
const AGENDA_MAX: usize = 2000;
const PASSWORD_MAX: usize = 10;
const MEETING_TYPES: [u64; 5] = [1, 2, 3, 8, 10];

/// Refuses `__proto__` keys at any depth: harmless to Zoom, but a trap for JS code that
/// merges the event or the answer into its own objects.
pub fn refuse_prototype_keys(map: &Object, path: &str) -> Result<(), Invalid> {
    for (key, value) in map {
        if key == "__proto__" {
            return Err(Invalid::new(path, "__proto__ is not accepted as a key"));
        }
        refuse_in_value(value, path)?;
    }
    Ok(())
}

fn refuse_in_value(value: &Value, path: &str) -> Result<(), Invalid> {
    match value {
        Value::Object(map) => refuse_prototype_keys(map, path),
        Value::Array(items) => items
            .iter()
            .try_for_each(|item| refuse_in_value(item, path)),
        _ => Ok(()),
    }
}

/// Tokens, codes and IDs travel in headers and form bodies: printable ASCII only, so
/// nothing can end a header or smuggle another one.
pub fn check_opaque(field: &str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.len() > max {
        return Err(Invalid::new(field, &format!("at most {max} characters")));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Invalid::new(
            field,
            "printable ASCII only, without spaces or control characters",
        ));
    }
    Ok(())
}

/// A redirect URI is an absolute http(s) URL.
pub fn check_redirect_uri(uri: &str) -> Result<(), Invalid> {
    check_opaque("redirect_uri", uri, 2048)?;
    if uri.starts_with("https://") || uri.starts_with("http://") {
        Ok(())
    } else {
        Err(Invalid::new("redirect_uri", "an absolute http(s) URL"))
    }
}

/// RFC 7636, section 4.1: 43 to 128 characters from `A-Z a-z 0-9 - . _ ~`.
pub fn check_code_verifier(verifier: &str) -> Result<(), Invalid> {
    let ok = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(
            "code_verifier",
            "43 to 128 characters from A-Z a-z 0-9 - . _ ~",
        ))
    }
}

/// `me`, a Zoom user ID or an email address, encoded as one path segment.
pub fn user_id_segment(user: &str) -> Result<String, Invalid> {
    let is_id = (1..=64).contains(&user.len())
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    let is_email = match user.split_once('@') {
        Some((local, domain)) => {
            user.len() <= 254
                && !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && crate::secret::find(user, "..").is_none()
                && local
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&'*+=^_`{|}~.-".contains(&b))
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
        }
        None => false,
    };
    if is_id || is_email {
        Ok(utf8_percent_encode(user, SEGMENT).to_string())
    } else {
        Err(Invalid::new(
            "userId",
            "\"me\", a Zoom user ID (letters, digits, - and _) or an email address",
        ))
    }
}

/// A meeting ID: a positive integer, given as a number or a string of digits (a BigInt
/// arrives as such a string). Written back in canonical decimal.
pub fn meeting_id(value: Option<&Value>) -> Result<u64, Invalid> {
    const RULE: &str = "a positive integer (number, BigInt or string of digits)";
    let id = match value {
        None | Some(Value::Null) => {
            return Err(Invalid::new("meetingId", &format!("required, {RULE}")))
        }
        Some(number @ Value::Number(_)) => json::as_u64(number),
        Some(Value::String(text)) => digits(text),
        Some(_) => None,
    };
    id.filter(|id| *id > 0)
        .ok_or_else(|| Invalid::new("meetingId", RULE))
}

/// An occurrence ID: digits, given as a string or a number.
pub fn occurrence_id(value: Option<&Value>) -> Result<Option<String>, Invalid> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(number @ Value::Number(_)) => json::as_u64(number)
            .map(|id| Some(id.to_string()))
            .ok_or_else(|| Invalid::new("occurrence_id", "a string of digits")),
        Some(Value::String(text)) => digits(text)
            .map(|_| Some(text.clone()))
            .ok_or_else(|| Invalid::new("occurrence_id", "a string of digits")),
        Some(_) => Err(Invalid::new("occurrence_id", "a string of digits")),
    }
}

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The fields of a meeting to create or update.
pub fn check_meeting_fields(body: &Object) -> Result<(), Invalid> {
    let meeting_type = match body.get("type") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            json::as_u64(value)
                .filter(|t| MEETING_TYPES.contains(t))
                .ok_or_else(|| {
                    Invalid::new(
                        "type",
                        "1 (instant), 2 (scheduled), 3 (recurring, no fixed time), 8 (recurring, fixed time) or 10 (screen share)",
                    )
                })?,
        ),
    };

    if let Some(topic) = string_field(body, "topic")? {
        max_chars("topic", topic, TOPIC_MAX)?;
    }
    if let Some(agenda) = string_field(body, "agenda")? {
        max_chars("agenda", agenda, AGENDA_MAX)?;
    }
    if let Some(start) = string_field(body, "start_time")? {
        check_start_time(start)?;
        if matches!(meeting_type, Some(1 | 3 | 10)) {
            return Err(Invalid::new(
                "start_time",
                "only for type 2 (scheduled) or 8 (recurring with a fixed time)",
            ));
        }
    }
    if let Some(value) = body.get("duration").filter(|v| !matches!(v, Value::Null)) {
        if !json::as_u64(value).is_some_and(|minutes| (1..=u32::MAX as u64).contains(&minutes)) {
            return Err(Invalid::new(
                "duration",
                "a positive whole number of minutes",
            ));
        }
    }
    if let Some(zone) = string_field(body, "timezone")? {
        check_timezone(zone)?;
    }
    if let Some(password) = string_field(body, "password")? {
        check_password(password)?;
    }
    if let Some(host) = string_field(body, "schedule_for")? {
        if meeting_type == Some(1) {
            return Err(Invalid::new(
                "schedule_for",
                "instant meetings (type 1) cannot be scheduled for another user",
            ));
        }
        check_opaque("schedule_for", host, 254)?;
    }
    string_field(body, "template_id")?;
    for key in ["pre_schedule", "default_password"] {
        if !matches!(body.get(key), None | Some(Value::Null | Value::Bool(_))) {
            return Err(Invalid::new(key, "must be true or false"));
        }
    }
    if !matches!(
        body.get("settings"),
        None | Some(Value::Null | Value::Object(_))
    ) {
        return Err(Invalid::new("settings", "must be an object"));
    }
    if !matches!(
        body.get("tracking_fields"),
        None | Some(Value::Null | Value::Array(_))
    ) {
        return Err(Invalid::new("tracking_fields", "must be an array"));
    }
    match body.get("recurrence") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(recurrence)) => {
            if matches!(meeting_type, Some(t) if t != 8) {
                return Err(Invalid::new(
                    "recurrence",
                    "only for type 8 (recurring with a fixed time)",
                ));
            }
            check_recurrence(recurrence)
        }
        Some(_) => Err(Invalid::new("recurrence", "must be an object")),
    }
}

fn string_field<'a>(body: &'a Object, key: &str) -> Result<Option<&'a str>, Invalid> {
    crate::event::optional_str(body, key)
}

fn max_chars(field: &str, text: &str, max: usize) -> Result<(), Invalid> {
    // Characters, as Zoom counts them, not bytes.
    if crate::secret::char_count(text) > max {
        Err(Invalid::new(field, &format!("at most {max} characters")))
    } else {
        Ok(())
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ` (UTC) or `yyyy-MM-ddTHH:mm:ss` (local time in `timezone`).
fn check_start_time(text: &str) -> Result<(), Invalid> {
    if is_date_time(text) {
        Ok(())
    } else {
        Err(Invalid::new(
            "start_time",
            "yyyy-MM-ddTHH:mm:ssZ in UTC, or yyyy-MM-ddTHH:mm:ss with a timezone",
        ))
    }
}

fn is_date_time(text: &str) -> bool {
    let local = text.strip_suffix('Z').unwrap_or(text);
    let b = local.as_bytes();
    let shape = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        local
            .get(range)
            .and_then(|part| part.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    };
    let (year, month) = (number(0..4), number(5..7));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=12).contains(&month)
        && (1..=days).contains(&number(8..10))
        && number(11..13) <= 23
        && number(14..16) <= 59
        && number(17..19) <= 59
}

fn check_timezone(zone: &str) -> Result<(), Invalid> {
    let ok = (1..=64).contains(&zone.len())
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'));
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(
            "timezone",
            "an IANA time zone name such as America/New_York",
        ))
    }
}

fn check_password(password: &str) -> Result<(), Invalid> {
    let ok = password.len() <= PASSWORD_MAX
        && password
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'@' | b'_' | b'*' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(
            "password",
            "at most 10 characters from A-Z a-z 0-9 @ _ * -",
        ))
    }
}

fn check_recurrence(recurrence: &Object) -> Result<(), Invalid> {
    let int = |key: &str| -> Result<Option<i64>, Invalid> {
        match recurrence.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => json::as_i64(value).map(Some).ok_or_else(|| {
                Invalid::new(&format!("recurrence.{key}"), "must be a whole number")
            }),
        }
    };
    let in_range = |key: &str, value: Option<i64>, allowed: &[i64], rule: &str| match value {
        Some(v) if !allowed.contains(&v) => Err(Invalid::new(&format!("recurrence.{key}"), rule)),
        _ => Ok(()),
    };

    let kind = int("type")?.ok_or_else(|| {
        Invalid::new(
            "recurrence.type",
            "required: 1 (daily), 2 (weekly) or 3 (monthly)",
        )
    })?;
    in_range(
        "type",
        Some(kind),
        &[1, 2, 3],
        "1 (daily), 2 (weekly) or 3 (monthly)",
    )?;

    if let Some(interval) = int("repeat_interval")? {
        let max = match kind {
            1 => 99,
            2 => 50,
            _ => 10,
        };
        if !(1..=max).contains(&interval) {
            return Err(Invalid::new(
                "recurrence.repeat_interval",
                &format!("from 1 to {max} for this recurrence type"),
            ));
        }
    }
    if let Some(days) = crate::event::optional_str(recurrence, "weekly_days")
        .map_err(|_| Invalid::new("recurrence.weekly_days", "must be a string"))?
    {
        let ok = !days.is_empty()
            && days
                .split(',')
                .all(|d| matches!(d.trim(), "1" | "2" | "3" | "4" | "5" | "6" | "7"));
        if !ok {
            return Err(Invalid::new(
                "recurrence.weekly_days",
                "days 1 (Sunday) to 7 (Saturday), separated by commas, such as \"2,4\"",
            ));
        }
    }
    let month_days: Vec<i64> = (1..=31).collect();
    in_range(
        "monthly_day",
        int("monthly_day")?,
        &month_days,
        "from 1 to 31",
    )?;
    let week = int("monthly_week")?;
    let week_day = int("monthly_week_day")?;
    in_range(
        "monthly_week",
        week,
        &[-1, 1, 2, 3, 4],
        "-1 (last) or 1 to 4",
    )?;
    in_range(
        "monthly_week_day",
        week_day,
        &[1, 2, 3, 4, 5, 6, 7],
        "1 (Sunday) to 7 (Saturday)",
    )?;
    if week.is_some() != week_day.is_some() {
        return Err(Invalid::new(
            "recurrence.monthly_week",
            "monthly_week and monthly_week_day go together",
        ));
    }

    let end_times = int("end_times")?;
    if let Some(times) = end_times {
        if !(0..=60).contains(&times) {
            return Err(Invalid::new("recurrence.end_times", "from 0 to 60"));
        }
    }
    match recurrence.get("end_date_time") {
        None | Some(Value::Null) => Ok(()),
        Some(_) if end_times.is_some() => Err(Invalid::new(
            "recurrence.end_date_time",
            "not together with end_times",
        )),
        Some(Value::String(end)) if end.ends_with('Z') && is_date_time(end) => Ok(()),
        Some(_) => Err(Invalid::new(
            "recurrence.end_date_time",
            "yyyy-MM-ddTHH:mm:ssZ in UTC",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A test value, written with serde_json's macro, read as the library reads JSON.
    fn value(written: serde_json::Value) -> Value {
        json::parse(&written.to_string()).expect("test values are JSON")
    }

    fn fields(written: serde_json::Value) -> Result<(), Invalid> {
        match value(written) {
            Value::Object(map) => check_meeting_fields(&map),
            _ => panic!("test bodies are objects"),
        }
    }

    fn rule_of(value: serde_json::Value) -> String {
        fields(value).unwrap_err().0
    }

    #[test]
    fn topic_counts_characters_not_bytes() {
        assert!(fields(json!({ "topic": "é".repeat(200) })).is_ok());
        assert_eq!(
            rule_of(json!({ "topic": "é".repeat(201) })),
            "topic: at most 200 characters"
        );
        assert!(fields(json!({ "agenda": "a".repeat(2000) })).is_ok());
        assert!(rule_of(json!({ "agenda": "a".repeat(2001) })).starts_with("agenda:"));
    }

    #[test]
    fn password_rule_reads_as_documented() {
        assert!(fields(json!({ "password": "aZ9@_*-" })).is_ok());
        assert_eq!(
            rule_of(json!({ "password": "abcdefghijk" })),
            "password: at most 10 characters from A-Z a-z 0-9 @ _ * -"
        );
        assert!(rule_of(json!({ "password": "pass word" })).starts_with("password:"));
        assert!(rule_of(json!({ "password": 1234 })).starts_with("password: must be a string"));
    }

    #[test]
    fn type_start_time_and_duration() {
        assert!(fields(json!({ "type": 8, "start_time": "2026-12-10T15:00:00Z" })).is_ok());
        for leap_day in ["2028-02-29T10:00:00Z", "2000-02-29T10:00:00Z"] {
            assert!(
                fields(json!({ "type": 2, "start_time": leap_day })).is_ok(),
                "{leap_day}"
            );
        }
        assert!(fields(
            json!({ "type": 2, "start_time": "2026-12-10T15:00:00", "timezone": "Europe/Paris" })
        )
        .is_ok());
        for bad in [json!(0), json!(4), json!("2"), json!(2.5)] {
            assert!(rule_of(json!({ "type": bad })).starts_with("type:"));
        }
        for bad in [
            "2026-12-10 15:00:00",
            "2026-13-10T15:00:00Z",
            "2026-12-10T15:00Z",
            "tomorrow",
            "2026-02-29T10:00:00Z",
            "2026-02-31T10:00:00Z",
            "2026-04-31T10:00:00Z",
            "2100-02-29T10:00:00Z",
        ] {
            assert!(
                rule_of(json!({ "start_time": bad })).starts_with("start_time:"),
                "{bad}"
            );
        }
        assert!(
            rule_of(json!({ "type": 1, "start_time": "2026-12-10T15:00:00Z" }))
                .starts_with("start_time: only for type 2")
        );
        for bad in [json!(0), json!(-5), json!(1.5), json!("30")] {
            assert!(rule_of(json!({ "duration": bad })).starts_with("duration:"));
        }
        assert!(rule_of(json!({ "timezone": "New York; DROP" })).starts_with("timezone:"));
        assert!(
            rule_of(json!({ "type": 1, "schedule_for": "a@b.co" })).starts_with("schedule_for:")
        );
    }

    #[test]
    fn recurrence_shape() {
        let ok = json!({ "type": 8, "recurrence": { "type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 5 } });
        assert!(fields(ok).is_ok());
        let cases = [
            (json!({ "recurrence": {} }), "recurrence.type: required"),
            (json!({ "recurrence": { "type": 4 } }), "recurrence.type:"),
            (
                json!({ "recurrence": { "type": 1, "repeat_interval": 100 } }),
                "recurrence.repeat_interval:",
            ),
            (
                json!({ "recurrence": { "type": 2, "weekly_days": "0,8" } }),
                "recurrence.weekly_days:",
            ),
            (
                json!({ "recurrence": { "type": 3, "monthly_day": 32 } }),
                "recurrence.monthly_day:",
            ),
            (
                json!({ "recurrence": { "type": 3, "monthly_week": 1 } }),
                "recurrence.monthly_week:",
            ),
            (
                json!({ "recurrence": { "type": 1, "end_times": 61 } }),
                "recurrence.end_times:",
            ),
            (
                json!({ "recurrence": { "type": 1, "end_times": 2, "end_date_time": "2027-01-01T00:00:00Z" } }),
                "recurrence.end_date_time: not together",
            ),
            (
                json!({ "type": 2, "recurrence": { "type": 1 } }),
                "recurrence: only for type 8",
            ),
            (
                json!({ "recurrence": "daily" }),
                "recurrence: must be an object",
            ),
        ];
        for (body, expected) in cases {
            let rule = rule_of(body.clone());
            assert!(rule.starts_with(expected), "{body}: {rule}");
        }
    }

    #[test]
    fn user_ids_cannot_walk_the_path() {
        assert_eq!(user_id_segment("me").unwrap(), "me");
        assert_eq!(
            user_id_segment("KdYKjnimT4KPd8FFgQt9FQ").unwrap(),
            "KdYKjnimT4KPd8FFgQt9FQ"
        );
        assert_eq!(
            user_id_segment("a+b@example.com").unwrap(),
            "a%2Bb@example.com"
        );
        for bad in [
            "",
            "../admin",
            "me/meetings",
            "me?x=1",
            "me#",
            "a@b",
            "a\n@b.com",
            "a..b@c.com",
            "x y",
        ] {
            assert!(user_id_segment(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn meeting_ids_are_positive_integers() {
        assert_eq!(
            meeting_id(Some(&value(json!(85746065432_u64)))).unwrap(),
            85746065432
        );
        assert_eq!(
            meeting_id(Some(&value(json!("85746065432")))).unwrap(),
            85746065432
        );
        for bad in [
            json!(0),
            json!(-1),
            json!(1.5),
            json!("12a"),
            json!(""),
            json!("85746065432/../../users/me"),
            json!(" 1"),
            json!(true),
            json!("99999999999999999999999"),
        ] {
            assert!(meeting_id(Some(&value(bad.clone()))).is_err(), "{bad}");
        }
        assert!(meeting_id(None)
            .unwrap_err()
            .0
            .starts_with("meetingId: required"));
    }

    #[test]
    fn prototype_keys_are_refused_at_any_depth() {
        let body = json!({ "settings": { "a": [ { "__proto__": { "x": 1 } } ] } });
        let Value::Object(map) = value(body) else {
            panic!()
        };
        assert!(refuse_prototype_keys(&map, "body").is_err());
    }
}
