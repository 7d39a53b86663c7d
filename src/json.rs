//! JSON for the gateway: miniserde for values (small in the `.wasm`, and iterative, so deep
//! nesting cannot overflow the stack), plus the scans of raw text the flow needs.

use miniserde::de::{Map, Seq, Visitor};
use miniserde::{make_place, Deserialize};

pub use miniserde::json::{Array, Number, Object, Value};

/// Reads JSON text into a value; `None` if it is not JSON.
pub fn parse(text: &str) -> Option<Value> {
    miniserde::json::from_str(text).ok()
}

/// Writes an object as JSON text.
pub fn write(object: &Object) -> String {
    miniserde::json::to_string(object)
}

/// Whether `text` is one JSON value, checked without building it.
pub fn is_json(text: &str) -> bool {
    miniserde::json::from_str::<Checked>(text).is_ok()
}

/// How deeply arrays and objects nest in JSON text, read without parsing it.
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A non-negative whole number.
pub fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(Number::U64(n)) => Some(*n),
        Value::Number(Number::I64(n)) => u64::try_from(*n).ok(),
        _ => None,
    }
}

/// A whole number.
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(Number::U64(n)) => i64::try_from(*n).ok(),
        Value::Number(Number::I64(n)) => Some(*n),
        _ => None,
    }
}

/// A string.
pub fn as_str(value: &Value) -> Option<&str> {
    match value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

/// A JSON value, checked and dropped as it is read.
struct Checked;

make_place!(Place);

impl Deserialize for Checked {
    fn begin(out: &mut Option<Self>) -> &mut dyn Visitor {
        Place::new(out)
    }
}

impl Visitor for Place<Checked> {
    fn null(&mut self) -> miniserde::Result<()> {
        self.out = Some(Checked);
        Ok(())
    }

    fn boolean(&mut self, _: bool) -> miniserde::Result<()> {
        self.null()
    }

    fn string(&mut self, _: &str) -> miniserde::Result<()> {
        self.null()
    }

    fn negative(&mut self, _: i64) -> miniserde::Result<()> {
        self.null()
    }

    fn nonnegative(&mut self, _: u64) -> miniserde::Result<()> {
        self.null()
    }

    fn float(&mut self, _: f64) -> miniserde::Result<()> {
        self.null()
    }

    fn seq(&mut self) -> miniserde::Result<Box<dyn Seq + '_>> {
        Ok(Box::new(Skip(&mut self.out)))
    }

    fn map(&mut self) -> miniserde::Result<Box<dyn Map + '_>> {
        Ok(Box::new(Skip(&mut self.out)))
    }
}

/// Skips the members of an array or object, then marks the whole as read.
struct Skip<'a>(&'a mut Option<Checked>);

impl Seq for Skip<'_> {
    fn element(&mut self) -> miniserde::Result<&mut dyn Visitor> {
        Ok(<dyn Visitor>::ignore())
    }

    fn finish(&mut self) -> miniserde::Result<()> {
        *self.0 = Some(Checked);
        Ok(())
    }
}

impl Map for Skip<'_> {
    fn key(&mut self, _: &str) -> miniserde::Result<&mut dyn Visitor> {
        Ok(<dyn Visitor>::ignore())
    }

    fn finish(&mut self) -> miniserde::Result<()> {
        *self.0 = Some(Checked);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_json_without_building_it() {
        for good in [
            "{}",
            "[]",
            "0",
            "\"x\"",
            r#"{"a":[1,{"b":null}],"c":-1.5e3}"#,
            " true ",
        ] {
            assert!(is_json(good), "{good}");
        }
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\"}",
            "<html>",
            "{} {}",
            "nul",
            "\"\u{1}\"",
        ] {
            assert!(!is_json(bad), "{bad:?}");
        }
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(r#"{"a":[[1]],"s":"[[[[\"{{"}"#), 3);
        assert_eq!(nesting_depth("1"), 0);
        assert_eq!(nesting_depth(&"[".repeat(10_000)), 10_000);
    }
}
