//! `json::check` against serde_json's verdict: the gateway's own pass over Zoom's answers must
//! accept exactly what a well-kept parser accepts, and keep every value.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use serde_json::Value;
use zoom_gateway::json;

fn serde_accepts(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// A JSON text with one byte changed, removed or added: mostly not JSON, sometimes still JSON.
fn mutated() -> impl Strategy<Value = String> {
    (
        any_value(),
        any::<prop::sample::Index>(),
        0u8..3,
        prop::sample::select(&b" ,:[]{}\"\\-.0123456789eEtrufalsn\x01"[..]),
    )
        .prop_map(|(value, at, how, byte)| {
            let mut bytes = value.to_string().into_bytes();
            let at = at.index(bytes.len() + 1);
            match how {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 if at < bytes.len() => bytes[at] = byte,
                _ => bytes.insert(at, byte),
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
}

/// Big integers come back as strings; everything else as it was.
fn with_big_integers_as_strings(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            let beyond = n
                .as_i64()
                .map(|i| i.unsigned_abs())
                .or(n.as_u64())
                .unwrap_or(0)
                > (1 << 53) - 1;
            if beyond {
                Value::String(n.to_string())
            } else {
                value.clone()
            }
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(with_big_integers_as_strings).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), with_big_integers_as_strings(v)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

#[test]
fn valid_json_is_accepted_and_keeps_its_values() {
    runner(20_000)
        .run(&any_value(), |value| {
            let text = value.to_string();
            let checked =
                json::check(&text).map_err(|_| TestCaseError::fail(format!("refused {text}")))?;
            let out = checked.unwrap_or(text);
            let back: Value =
                serde_json::from_str(&out).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, with_big_integers_as_strings(&value));
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_verdict_matches_serde_json_on_broken_and_random_text() {
    runner(50_000)
        .run(&prop_oneof![4 => mutated(), 1 => any::<String>()], |text| {
            prop_assert_eq!(
                json::check(&text).is_ok(),
                serde_accepts(&text),
                "{:?}",
                text
            );
            Ok(())
        })
        .unwrap();
}

/// `json::top_level_member` against serde_json: the member's value, at the top level only.
fn serde_member(text: &str, name: &str) -> Option<Value> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(map) => map.get(name).cloned(),
        _ => None,
    }
}

#[test]
fn a_top_level_member_is_what_serde_json_finds() {
    let names = prop::sample::select(vec!["exp", "", "a", "é", "iat"]);
    let objects = prop::collection::btree_map(
        prop_oneof![names.clone().prop_map(str::to_owned), any::<String>()],
        any_value(),
        0..8,
    )
    .prop_map(|map| Value::Object(map.into_iter().collect()));
    let texts = prop_oneof![
        3 => objects.prop_map(|value| value.to_string()),
        1 => objects_pretty(),
        1 => mutated(),
    ];
    runner(3_000)
        .run(&(texts, names), |(text, name)| {
            let found = json::top_level_member(&text, name)
                .map(|raw| serde_json::from_str::<Value>(raw).expect("a member's text is JSON"));
            prop_assert_eq!(found, serde_member(&text, name), "{}", text);
            Ok(())
        })
        .expect("the member matches serde_json's");
}

fn objects_pretty() -> impl Strategy<Value = String> {
    prop::collection::btree_map(any::<String>(), any_value(), 0..6).prop_map(|map| {
        serde_json::to_string_pretty(&Value::Object(map.into_iter().collect())).expect("JSON")
    })
}

#[test]
fn a_top_level_member_is_the_last_of_its_name_and_never_a_nested_one() {
    let cases: [(&str, Option<&str>); 9] = [
        (r#"{"exp":1,"exp":2}"#, Some("2")),
        (r#"{"a":{"exp":1},"b":[{"exp":2}]}"#, None),
        (r#"{"a":"exp","b":"\"exp\":3"}"#, None),
        (
            r#"{ "x" : [1, {"y": "}"}] , "exp" : 1.8e9 }"#,
            Some("1.8e9"),
        ),
        (r#"{"exp":null}"#, Some("null")),
        (r#"[{"exp":1}]"#, None),
        (r#"{"exp":1"#, None),
        (r#""exp""#, None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(json::top_level_member(text, "exp"), expected, "{text}");
    }
}

/// The gateway's value, as serde_json's: numbers read from their text.
fn as_serde(value: &json::Value) -> Value {
    match value {
        json::Value::Null => Value::Null,
        json::Value::Bool(flag) => Value::Bool(*flag),
        json::Value::Number(number) => {
            serde_json::from_str(number.as_str()).expect("a number's text is JSON")
        }
        json::Value::String(text) => Value::String(text.clone()),
        json::Value::Array(items) => Value::Array(items.iter().map(as_serde).collect()),
        json::Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, value)| (key.clone(), as_serde(value)))
                .collect(),
        ),
    }
}

#[test]
fn values_are_read_as_serde_json_reads_them() {
    runner(20_000)
        .run(&any_value(), |value| {
            for text in [
                value.to_string(),
                serde_json::to_string_pretty(&value).expect("JSON"),
            ] {
                let read = json::parse_checked(&text)
                    .ok_or_else(|| TestCaseError::fail(format!("refused {text}")))?;
                prop_assert_eq!(as_serde(&read), value.clone());
                // Written again, numbers and all, it reads the same.
                if let json::Value::Object(members) = &read {
                    let again: Value =
                        serde_json::from_str(&json::write(members)).expect("written JSON");
                    prop_assert_eq!(&again, &value);
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn text_that_passes_the_check_is_read_exactly_when_serde_json_reads_it() {
    runner(30_000)
        .run(&prop_oneof![4 => mutated(), 1 => any::<String>()], |text| {
            if json::check(&text).is_err() {
                return Ok(());
            }
            let ours = json::parse_checked(&text).map(|value| as_serde(&value));
            let theirs = serde_json::from_str::<Value>(&text).ok();
            prop_assert_eq!(ours, theirs, "{:?}", text);
            Ok(())
        })
        .unwrap();
}

#[test]
fn escapes_duplicates_and_ranges_read_as_json_parse_reads_them() {
    let read = |text: &str| json::parse_checked(text).map(|value| as_serde(&value));
    assert_eq!(
        read(r#""\ud83d\ude00 \u00e9\n\t\"\\\/\b\f""#),
        Some(Value::String("😀 é\n\t\"\\/\u{8}\u{c}".to_owned()))
    );
    for lone in [
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83d\u0041""#,
        r#""\ud83dx""#,
    ] {
        assert_eq!(read(lone), None, "{lone}");
    }
    assert_eq!(
        read(r#"{"b":1,"a":2,"b":3}"#),
        Some(serde_json::json!({ "a": 2, "b": 3 }))
    );
    assert_eq!(
        json::write(match &json::parse_checked(r#"{"b":1.50,"a":-0,"b":1e2}"#) {
            Some(json::Value::Object(members)) => members,
            other => panic!("{other:?}"),
        }),
        r#"{"a":-0,"b":1e2}"#,
        "numbers are forwarded as written, keys in order, the last of a repeated one kept"
    );
    for out_of_range in ["1e309", "-1e400", "[1.8e308]"] {
        assert_eq!(read(out_of_range), None, "{out_of_range}");
    }
    for in_range in [
        "1.7976931348623157e308",
        "5e-324",
        "1e-400",
        "123456789012345678901234567890",
    ] {
        assert!(read(in_range).is_some(), "{in_range}");
    }
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    assert!(json::parse_checked(&nested(128)).is_some());
    assert!(
        json::parse_checked(&nested(129)).is_none(),
        "a bound of its own"
    );
}

#[test]
fn a_number_read_as_a_float_is_near_the_double_it_writes() {
    let close = |text: String| -> Result<(), TestCaseError> {
        let expected: f64 = text.parse().expect("a float");
        let Some(json::Value::Number(number)) = json::parse_checked(&text) else {
            return Err(TestCaseError::fail(format!("refused {text}")));
        };
        let got = number
            .as_f64()
            .ok_or_else(|| TestCaseError::fail(format!("out of range: {text}")))?;
        let tolerance = expected.abs() * 1e-12 + 1e-300;
        prop_assert!(
            (got - expected).abs() <= tolerance,
            "{text}: {got} vs {expected}"
        );
        Ok(())
    };
    runner(20_000)
        .run(
            &any::<f64>().prop_filter("finite", |f| f.is_finite()),
            |x| {
                close(serde_json::to_string(&x).expect("JSON"))?;
                close(format!("{x:e}"))
            },
        )
        .unwrap();
    for text in [
        "1.5e9",
        "1800000000",
        "0.05",
        "-0.0",
        "1e-400",
        "1.7976931348623157e308",
    ] {
        close(text.to_owned()).unwrap();
    }
}

#[test]
fn ranges_hold_for_long_digit_runs_and_at_the_largest_double() {
    // JSON.parse: Infinity, 0, and the largest double (just below the midpoint to 2^1024).
    let infinite = format!("0.{}1e300000", "0".repeat(200_000));
    let zero = format!("1{}e-1000000", "0".repeat(200_000));
    assert!(json::parse_checked(&infinite).is_none());
    assert!(json::parse_checked(&zero).is_some());
    assert!(json::parse_checked("1.797693134862315807937289714053e308").is_some());
    assert!(json::parse_checked("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791").is_some());
    assert!(json::parse_checked("179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792").is_none(), "the midpoint itself rounds to infinity");
    // The reader for Zoom's texts keeps what the event's reader refuses.
    for odd in [r#""\ud800""#, "1e400", r#"{"a":"\udc00x"}"#] {
        assert!(json::parse_checked(odd).is_none(), "{odd}");
        assert!(json::parse(odd).is_some(), "{odd}");
    }
    assert_eq!(
        json::parse(r#""a\ud800b""#),
        Some(json::Value::String("a\u{fffd}b".to_owned()))
    );
}

#[test]
fn the_reader_alone_gives_serde_jsons_verdict_on_broken_and_random_text() {
    // The event is read in one pass: the reader must refuse all that is not JSON by itself.
    runner(50_000)
        .run(&prop_oneof![4 => mutated(), 1 => any::<String>()], |text| {
            let ours = json::parse_strict(&text, 128)
                .map(|value| as_serde(&value))
                .ok();
            prop_assert_eq!(
                ours,
                serde_json::from_str::<Value>(&text).ok(),
                "{:?}",
                text
            );
            Ok(())
        })
        .unwrap();
    let nested = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    assert_eq!(
        json::parse_strict(&nested(33), 32),
        Err(json::Unread::TooDeep)
    );
    assert!(json::parse_strict(&nested(32), 32).is_ok());
    assert_eq!(json::parse_strict("[1,", 32), Err(json::Unread::Malformed));
    assert_eq!(
        json::parse_strict("[1e999]", 32),
        Err(json::Unread::Unrepresentable)
    );
    assert_eq!(
        json::parse_strict(r#"["\udc00"]"#, 32),
        Err(json::Unread::Unrepresentable)
    );
}
