//! JSON for the gateway: a small value type and its reader for the event and for the few
//! small texts read whole (settings, Zoom's refusals and token answers, a JWT's claims), plus
//! the scans of raw text the flow needs: a one-pass check of Zoom's answers and the writer.

use std::cell::Cell;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

/// A number as it was written: read as an integer or a float on demand, and written back
/// unchanged, so that forwarding a field never changes its digits.
#[derive(Clone, Debug, PartialEq)]
pub struct Number(Box<str>);

impl Number {
    /// The number's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as a float, near enough for seconds and limits (not correctly rounded in
    /// the last place); `None` beyond a double's range.
    pub fn as_f64(&self) -> Option<f64> {
        let parts = self.parts();
        if !parts.in_range() {
            return None;
        }
        let mut significand = 0u64;
        let mut taken = 0i64;
        for digit in parts.significant().take(19) {
            significand = significand * 10 + u64::from(digit.wrapping_sub(b'0') % 10);
            taken += 1;
        }
        // The leading digit's place, less those taken: what the significand is scaled by.
        let scale = (parts.exponent - taken + 1).clamp(-400, 400) as i32;
        // In two steps below 10^-290, where a power of ten alone would leave the doubles.
        let value = if scale < -290 {
            significand as f64 * 10f64.powi(scale + 290) * 1e-290
        } else {
            significand as f64 * 10f64.powi(scale)
        };
        let value = if value.is_finite() { value } else { f64::MAX };
        Some(if parts.negative { -value } else { value })
    }

    /// Whether a double holds the number without overflowing to infinity, as `JSON.parse`
    /// and serde_json require (numbers too small for one read as zero).
    pub fn in_range(&self) -> bool {
        self.parts().in_range()
    }

    fn parts(&self) -> Parts<'_> {
        let text = self.as_str();
        let negative = text.starts_with('-');
        let (mantissa, written_exponent) = match text.find(['e', 'E']) {
            Some(at) => (
                text.get(..at).unwrap_or_default(),
                saturating_exponent(text.get(at + 1..).unwrap_or_default()),
            ),
            None => (text, 0),
        };
        let mantissa = mantissa.trim_start_matches('-');
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        // The significant digits, and the decimal place of the first: 10^exponent.
        let whole_digits = whole.trim_start_matches('0');
        let (digits, exponent) = if whole_digits.is_empty() {
            let fraction_digits = fraction.trim_start_matches('0');
            let zeros = (fraction.len() - fraction_digits.len()) as i64;
            (fraction_digits, written_exponent - zeros - 1)
        } else {
            (
                whole_digits,
                written_exponent + whole_digits.len() as i64 - 1,
            )
        };
        Parts {
            negative,
            first: digits,
            then: if whole_digits.is_empty() {
                ""
            } else {
                fraction
            },
            exponent,
        }
    }
}

/// A number's decimal parts: its significant digits are `first` then `then`, and the first
/// of them stands at the place 10^`exponent`.
struct Parts<'a> {
    negative: bool,
    first: &'a str,
    then: &'a str,
    exponent: i64,
}

impl Parts<'_> {
    fn in_range(&self) -> bool {
        // The largest double is 2^1024 - 2^971; from the midpoint between it and 2^1024,
        // 2^1024 - 2^970, a number rounds to infinity (a tie goes to the even one, infinity).
        const MIDPOINT: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
        let zero = self.significant().all(|b| b == b'0');
        if zero || self.exponent < 308 {
            return true;
        }
        if self.exponent > 308 {
            return false;
        }
        // Both have 309 digits before the point: the first 309 significant digits decide.
        let padded = self
            .significant()
            .chain(std::iter::repeat(b'0'))
            .take(MIDPOINT.len());
        padded.lt(MIDPOINT.iter().copied())
    }

    fn significant(&self) -> impl Iterator<Item = u8> + '_ {
        self.first.bytes().chain(self.then.bytes())
    }
}

/// An exponent's digits as a number, held within ±10^15: beyond any count of digits a text
/// can hold, so that what the digits before it add or take away is still exact.
fn saturating_exponent(text: &str) -> i64 {
    const LIMIT: i64 = 1_000_000_000_000_000;
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text),
    };
    let mut value = 0i64;
    for digit in digits.bytes() {
        value = (value * 10 + i64::from(digit.wrapping_sub(b'0'))).min(LIMIT);
    }
    if negative {
        -value
    } else {
        value
    }
}

/// An object's members, one per key (the last one written wins, as in `JSON.parse`), in the
/// order of their keys.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object(Vec<(String, Value)>);

impl Object {
    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let at = self
            .0
            .binary_search_by(|(name, _)| name.as_str().cmp(key))
            .ok()?;
        self.0.get(at).map(|(_, value)| value)
    }

    /// The members, in the order of their keys.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(key, _)| key)
    }

    /// Members in the order written; keys in order, the last of a repeated one kept.
    fn from_members(mut members: Vec<(String, Value)>) -> Self {
        // Stable: of equal keys, the last written stays last.
        members.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut unique: Vec<(String, Value)> = Vec::with_capacity(members.len());
        for member in members {
            match unique.last_mut() {
                Some(last) if last.0 == member.0 => *last = member,
                _ => unique.push(member),
            }
        }
        Self(unique)
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

/// Reads JSON text into a value as `JSON.parse` would: `None` only if it is not JSON or nests
/// deeper than [`MAX_DEPTH`] levels (the reader stops at that depth, so memory grows with the
/// text, not with its nesting). A lone UTF-16 surrogate escape reads as U+FFFD and a number
/// beyond a double's range is kept as written: Zoom's refusals and token answers are read this
/// way, and one odd field must not hide their `error` or `message`.
pub fn parse(text: &str) -> Option<Value> {
    Reader::new(text, true).read(MAX_DEPTH).ok()
}

/// How deeply an event may nest: Zoom's own bodies need five levels at most.
pub const SHALLOW: usize = 32;

/// Why [`parse_strict`] read no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unread {
    /// It is not JSON (RFC 8259).
    Malformed,
    /// It nests deeper than allowed.
    TooDeep,
    /// JSON, but a number beyond a double's range or a `\u` escape that leaves half of a
    /// UTF-16 surrogate pair: what `JSON.stringify` cannot have written.
    Unrepresentable,
}

/// Reads an event's text in one pass, stricter than [`parse`]: see [`Unread`] for what it
/// refuses. The nesting is bounded by `max_depth`, the recursion with it.
pub fn parse_strict(text: &str, max_depth: usize) -> Result<Value, Unread> {
    Reader::new(text, false).read(max_depth)
}

/// [`parse_strict`] with the bound of [`check`], without the reason.
pub fn parse_checked(text: &str) -> Option<Value> {
    parse_strict(text, MAX_DEPTH).ok()
}

struct Reader<'a> {
    text: &'a str,
    lenient: bool,
    /// Why the value returned `None`: set where it gives up, `Malformed` unless said otherwise.
    why: Cell<Unread>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, lenient: bool) -> Self {
        Self {
            text,
            lenient,
            why: Cell::new(Unread::Malformed),
        }
    }

    fn read(&self, max_depth: usize) -> Result<Value, Unread> {
        let bytes = self.text.as_bytes();
        match self.value(skip_space(bytes, 0), max_depth) {
            Some((value, end)) if skip_space(bytes, end) == bytes.len() => Ok(value),
            Some(_) => Err(Unread::Malformed),
            None => Err(self.why.get()),
        }
    }

    /// Gives up for a reason other than the grammar.
    fn refuse<T>(&self, why: Unread) -> Option<T> {
        self.why.set(why);
        None
    }

    fn value(&self, i: usize, depth: usize) -> Option<(Value, usize)> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        match bytes.get(i)? {
            b'{' => {
                let Some(depth) = depth.checked_sub(1) else {
                    return self.refuse(Unread::TooDeep);
                };
                let mut members = Vec::new();
                let mut i = skip_space(bytes, i + 1);
                if bytes.get(i) == Some(&b'}') {
                    return Some((Value::Object(Object::default()), i + 1));
                }
                loop {
                    let (name, after) = self.string(i)?;
                    i = skip_space(bytes, after);
                    if bytes.get(i) != Some(&b':') {
                        return None;
                    }
                    let (value, after) = self.value(skip_space(bytes, i + 1), depth)?;
                    members.push((name, value));
                    i = skip_space(bytes, after);
                    match bytes.get(i)? {
                        b',' => i = skip_space(bytes, i + 1),
                        b'}' => return Some((Value::Object(Object::from_members(members)), i + 1)),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let Some(depth) = depth.checked_sub(1) else {
                    return self.refuse(Unread::TooDeep);
                };
                let mut items = Vec::new();
                let mut i = skip_space(bytes, i + 1);
                if bytes.get(i) == Some(&b']') {
                    return Some((Value::Array(items), i + 1));
                }
                loop {
                    let (value, after) = self.value(i, depth)?;
                    items.push(value);
                    i = skip_space(bytes, after);
                    match bytes.get(i)? {
                        b',' => i = skip_space(bytes, i + 1),
                        b']' => return Some((Value::Array(items), i + 1)),
                        _ => return None,
                    }
                }
            }
            b'"' => self.string(i).map(|(text, end)| (Value::String(text), end)),
            b'-' | b'0'..=b'9' => {
                let (end, _) = number(bytes, i).ok()?;
                let number = Number(text.get(i..end)?.into());
                if !self.lenient && !number.in_range() {
                    return self.refuse(Unread::Unrepresentable);
                }
                Some((Value::Number(number), end))
            }
            b't' => literal(bytes, i, b"true")
                .ok()
                .map(|end| (Value::Bool(true), end)),
            b'f' => literal(bytes, i, b"false")
                .ok()
                .map(|end| (Value::Bool(false), end)),
            b'n' => literal(bytes, i, b"null")
                .ok()
                .map(|end| (Value::Null, end)),
            _ => None,
        }
    }

    /// A string starting at its opening quote, unescaped; and the index after its closing quote.
    fn string(&self, i: usize) -> Option<(String, usize)> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let end = string(bytes, i).ok()?;
        let inner = text.get(i + 1..end - 1)?;
        if !inner.contains('\\') {
            return Some((inner.to_owned(), end));
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            out.push(match chars.next()? {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => match hex4(&mut chars)? {
                    high @ 0xD800..=0xDBFF => {
                        let mut ahead = chars.clone();
                        let low = match (ahead.next(), ahead.next()) {
                            (Some('\\'), Some('u')) => hex4(&mut ahead),
                            _ => None,
                        };
                        match low {
                            Some(low @ 0xDC00..=0xDFFF) => {
                                chars = ahead;
                                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
                            }
                            _ if self.lenient => '\u{fffd}',
                            _ => return self.refuse(Unread::Unrepresentable),
                        }
                    }
                    0xDC00..=0xDFFF if self.lenient => '\u{fffd}',
                    0xDC00..=0xDFFF => return self.refuse(Unread::Unrepresentable),
                    unit => char::from_u32(unit)?,
                },
                _ => return None,
            });
        }
        Some((out, end))
    }
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut value = 0;
    for _ in 0..4 {
        value = value * 16 + chars.next()?.to_digit(16)?;
    }
    Some(value)
}

/// Writes an object as JSON text. Its nesting is bounded by whoever read it (the event's is
/// bounded by the reader), so the writer may recurse.
pub fn write(object: &Object) -> String {
    write_only(object, |_| true)
}

/// Writes the members of an object whose keys `keep` accepts.
pub fn write_only(object: &Object, keep: impl Fn(&String) -> bool) -> String {
    let mut out = String::new();
    write_members(&mut out, object, &keep);
    out
}

fn write_object(out: &mut String, object: &Object) {
    write_members(out, object, &|_| true);
}

fn write_members(out: &mut String, object: &Object, keep: &dyn Fn(&String) -> bool) {
    out.push('{');
    for (i, (key, value)) in object.iter().filter(|(key, _)| keep(key)).enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(number.as_str()),
        Value::String(text) => push_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(object) => write_object(out, object),
    }
}

/// Appends `text` as a JSON string literal.
pub fn push_string(out: &mut String, text: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(text.get(plain_from..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str(&format!("\\u{byte:04x}"));
        } else {
            out.push_str(escape);
        }
        plain_from = i + 1;
    }
    out.push_str(text.get(plain_from..).unwrap_or_default());
    out.push('"');
}

/// Whether `text` is one JSON value.
pub fn is_json(text: &str) -> bool {
    check(text).is_ok()
}

/// Why [`check`] refused a text.
#[derive(Debug, PartialEq, Eq)]
pub enum NotJson {
    /// It is not JSON (RFC 8259).
    Malformed,
    /// It nests deeper than allowed.
    TooDeep,
}

/// Nesting that [`check`] accepts, as serde_json and most parsers do.
pub const MAX_DEPTH: usize = 128;

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Checks that `text` is one JSON value and, in the same pass, finds integers beyond 2^53.
/// `Ok(None)`: valid, nothing to change, which is nearly always. `Ok(Some(text))`: valid,
/// and rewritten with those integers as decimal strings, since a JavaScript number would round
/// them. Nothing is built: Zoom's answer reaches the envelope as the text Zoom sent.
///
/// Written here because no parser offers the rewrite, and a validating pass through a
/// general-purpose one cost five times as long as the JSON.parse that follows it in JS.
/// `tests/json_oracle.rs` holds it to serde_json's verdict on generated input.
pub fn check(text: &str) -> Result<Option<String>, NotJson> {
    check_nested(text, MAX_DEPTH)
}

/// [`check`], with another bound on nesting.
pub fn check_nested(text: &str, max_depth: usize) -> Result<Option<String>, NotJson> {
    let bytes = text.as_bytes();
    let mut open: Vec<u8> = Vec::new();
    let mut big: Vec<(usize, usize)> = Vec::new();
    let mut i = skip_space(bytes, 0);

    'value: loop {
        i = match bytes.get(i) {
            Some(b'{') => {
                if open.len() >= max_depth {
                    return Err(NotJson::TooDeep);
                }
                i = skip_space(bytes, i + 1);
                if bytes.get(i) == Some(&b'}') {
                    i + 1
                } else {
                    open.push(b'{');
                    i = key(bytes, i)?;
                    continue 'value;
                }
            }
            Some(b'[') => {
                if open.len() >= max_depth {
                    return Err(NotJson::TooDeep);
                }
                i = skip_space(bytes, i + 1);
                if bytes.get(i) == Some(&b']') {
                    i + 1
                } else {
                    open.push(b'[');
                    continue 'value;
                }
            }
            Some(b'"') => string(bytes, i)?,
            Some(b'-' | b'0'..=b'9') => {
                let (end, integer) = number(bytes, i)?;
                if integer && beyond_safe(text.get(i..end).unwrap_or_default()) {
                    big.push((i, end));
                }
                end
            }
            Some(b't') => literal(bytes, i, b"true")?,
            Some(b'f') => literal(bytes, i, b"false")?,
            Some(b'n') => literal(bytes, i, b"null")?,
            _ => return Err(NotJson::Malformed),
        };

        // After a value: close what ends here, then go on to the next value.
        loop {
            i = skip_space(bytes, i);
            match (open.last(), bytes.get(i)) {
                (None, None) => return Ok(quote(text, &big)),
                (None, Some(_)) => return Err(NotJson::Malformed),
                (Some(b'['), Some(b',')) => {
                    i = skip_space(bytes, i + 1);
                    continue 'value;
                }
                (Some(b'{'), Some(b',')) => {
                    i = key(bytes, skip_space(bytes, i + 1))?;
                    continue 'value;
                }
                (Some(b'['), Some(b']')) | (Some(b'{'), Some(b'}')) => {
                    open.pop();
                    i += 1;
                }
                _ => return Err(NotJson::Malformed),
            }
        }
    }
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// A member's key and its colon; returns where the value starts.
fn key(bytes: &[u8], i: usize) -> Result<usize, NotJson> {
    if bytes.get(i) != Some(&b'"') {
        return Err(NotJson::Malformed);
    }
    let i = skip_space(bytes, string(bytes, i)?);
    if bytes.get(i) != Some(&b':') {
        return Err(NotJson::Malformed);
    }
    Ok(skip_space(bytes, i + 1))
}

/// A string starting at its opening quote; returns the index after the closing one.
fn string(bytes: &[u8], mut i: usize) -> Result<usize, NotJson> {
    i += 1;
    loop {
        match bytes.get(i) {
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match bytes.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = bytes.get(i + 2..i + 6).ok_or(NotJson::Malformed)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(NotJson::Malformed);
                    }
                    i += 6;
                }
                _ => return Err(NotJson::Malformed),
            },
            Some(0..=0x1f) | None => return Err(NotJson::Malformed),
            Some(_) => i += 1,
        }
    }
}

/// A number; returns the index after it and whether it is an integer.
fn number(bytes: &[u8], mut i: usize) -> Result<(usize, bool), NotJson> {
    let digits = |bytes: &[u8], mut i: usize| {
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i - start)
    };
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(bytes, i).0,
        _ => return Err(NotJson::Malformed),
    }
    let mut integer = true;
    if bytes.get(i) == Some(&b'.') {
        let (end, count) = digits(bytes, i + 1);
        if count == 0 {
            return Err(NotJson::Malformed);
        }
        i = end;
        integer = false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (end, count) = digits(bytes, i);
        if count == 0 {
            return Err(NotJson::Malformed);
        }
        i = end;
        integer = false;
    }
    Ok((i, integer))
}

fn literal(bytes: &[u8], i: usize, word: &[u8]) -> Result<usize, NotJson> {
    match bytes.get(i..i + word.len()) {
        Some(found) if found == word => Ok(i + word.len()),
        _ => Err(NotJson::Malformed),
    }
}

fn beyond_safe(integer: &str) -> bool {
    let digits = integer.strip_prefix('-').unwrap_or(integer);
    digits.len() > 16 || digits.parse::<u64>().is_ok_and(|n| n > MAX_SAFE_INTEGER)
}

/// `text` with each span quoted; `None` when there are none.
fn quote(text: &str, spans: &[(usize, usize)]) -> Option<String> {
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 2 * spans.len());
    let mut copied = 0;
    for &(start, end) in spans {
        out.push_str(text.get(copied..start).unwrap_or_default());
        out.push('"');
        out.push_str(text.get(start..end).unwrap_or_default());
        out.push('"');
        copied = end;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(out)
}

/// The text of the value of member `name` of the object `text`, at the top level only (the
/// last one, should the name repeat, as `JSON.parse` takes it); `None` when `text` is not a
/// JSON object or has no such member. Keys are compared as written, so a name spelled with
/// escapes is not found. Nothing is allocated: a JWT's `exp` is read this way on every call.
pub fn top_level_member<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    check(text).ok()?;
    let bytes = text.as_bytes();
    let mut i = skip_space(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(bytes, i + 1);
    let mut found = None;
    while bytes.get(i) == Some(&b'"') {
        let key_end = string(bytes, i).ok()?;
        let raw_key = bytes.get(i + 1..key_end - 1)?;
        let start = key(bytes, i).ok()?;
        let end = skip_value(bytes, start)?;
        if raw_key == name.as_bytes() {
            found = text.get(start..end);
        }
        i = skip_space(bytes, end);
        if bytes.get(i) != Some(&b',') {
            break;
        }
        i = skip_space(bytes, i + 1);
    }
    found
}

/// The end of the value starting at `i`, in text already checked to be JSON.
fn skip_value(bytes: &[u8], mut i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => string(bytes, i).ok(),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string(bytes, i).ok()?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        b'-' | b'0'..=b'9' => number(bytes, i).ok().map(|(end, _)| end),
        _ => {
            while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                i += 1;
            }
            Some(i)
        }
    }
}

/// A non-negative whole number.
pub fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => match number.as_str() {
            // "-0" is zero.
            "-0" => Some(0),
            text => text.parse().ok(),
        },
        _ => None,
    }
}

/// A whole number.
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_str().parse().ok(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_integers_become_strings_and_nothing_else_changes() {
        let text = r#"{"id":85746065432,"big":9007199254740993,"neg":-12345678901234567890,
            "edge":9007199254740991,"f":1.5e300,"s":"12345678901234567890","a":[90071992547409930]}"#;
        let out = check(text).unwrap().unwrap();
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["id"], 85746065432_u64);
        assert_eq!(value["big"], "9007199254740993");
        assert_eq!(value["neg"], "-12345678901234567890");
        assert_eq!(value["edge"], 9007199254740991_u64);
        assert_eq!(value["f"], 1.5e300);
        assert_eq!(value["s"], "12345678901234567890");
        assert_eq!(value["a"][0], "90071992547409930");
        assert_eq!(check(r#"{"id":85746065432,"u":"a\"9"}"#), Ok(None));
    }

    #[test]
    fn written_objects_read_back_the_same() {
        let text = r#"{"a":[1,-2,3.5,true,null,{"b":"q\"uote\\ \u0001 é"}],"c":{}}"#;
        let Some(Value::Object(object)) = parse(text) else {
            panic!("test input is an object")
        };
        let written = write(&object);
        let expected: serde_json::Value = serde_json::from_str(text).unwrap();
        let got: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(got, expected);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(check(&deep(MAX_DEPTH)), Ok(None));
        assert_eq!(check(&deep(MAX_DEPTH + 1)), Err(NotJson::TooDeep));
        assert_eq!(check(&deep(100_000)), Err(NotJson::TooDeep));
        assert_eq!(check_nested(&deep(4), 3), Err(NotJson::TooDeep));
        assert_eq!(check_nested("[[1]", 3), Err(NotJson::Malformed));
    }

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
}
