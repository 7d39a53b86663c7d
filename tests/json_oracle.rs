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
