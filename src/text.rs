//! Text that came from a server, made fit to print: our own credentials taken out, control
//! characters escaped, and the length bounded.
//!
//! Every error message that quotes a server goes through here, so an answer can neither
//! forge or clear lines on a terminal, nor flood it, nor hand the client's secret back to
//! its own logs.

use std::{borrow::Cow, fmt};

/// How many characters of a server's text an error shows; the rest is counted, not shown.
pub const MAX_SHOWN_CHARS: usize = 1024;

/// An error and its causes on one line, outermost first, joined by `: `; a cause whose text
/// the line already holds is not said again (the HTTP stack often repeats its cause).
///
/// ```
/// let io = std::io::Error::other("connection refused");
/// let text = signalwire_compat::one_line(&io);
/// assert_eq!(text, "connection refused");
/// ```
pub fn one_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    text
}

/// Text from a server, displayed safely: control characters (newlines, carriage returns,
/// escape sequences, C1 controls) and the invisible characters that reorder text on screen
/// are written as `\n`, `\r`, `\t` or `\u{…}`, and text longer than the limit is cut with a
/// marker that says how much was left out.
///
/// Errors of this crate display server text this way; the raw text stays available through
/// their accessors (such as [`ApiError::message`](crate::ApiError::message)). Use it to
/// print other text from a server yourself:
///
/// ```
/// use signalwire_compat::Printable;
///
/// let status = "in-progress\u{1b}[2J\r\nforged row";
/// assert_eq!(
///     Printable::new(status).to_string(),
///     "in-progress\\u{1b}[2J\\r\\nforged row"
/// );
/// let long = "x".repeat(2000);
/// assert!(Printable::new(&long).to_string().ends_with("… [976 more characters]"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Printable<'a> {
    text: &'a str,
    max_chars: usize,
}

impl<'a> Printable<'a> {
    /// The text, cut at [`MAX_SHOWN_CHARS`] characters.
    pub fn new(text: &'a str) -> Self {
        Self::with_limit(text, MAX_SHOWN_CHARS)
    }

    /// The text, cut at `max_chars` characters.
    pub fn with_limit(text: &'a str, max_chars: usize) -> Self {
        Self { text, max_chars }
    }
}

/// Whether a character must not reach a terminal as it is: a control character, or a
/// formatting character that changes how the text around it is shown (bidirectional
/// overrides and isolates, zero-width marks).
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for (shown, (i, c)) in self.text.char_indices().enumerate() {
            if shown == self.max_chars {
                let rest = self.text[i..].chars().count();
                return write!(f, "… [{rest} more characters]");
            }
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if must_escape(c) => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// The client's secrets, in every form a server could echo them in, to take out of what the
/// server sends before it goes into an error or a log.
#[derive(Clone, Default)]
pub(crate) struct Secrets {
    /// Longest first, so that a form that contains another is replaced whole.
    forms: Vec<String>,
}

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

impl Secrets {
    /// The forms of an API token used with a project ID: the token, `project:token`, the
    /// Basic credential (base64 of that pair) and their percent-encoded forms.
    pub(crate) fn new(user: &str, token: &str) -> Self {
        use base64::Engine as _;
        let mut forms = Vec::new();
        if !token.is_empty() {
            let pair = format!("{user}:{token}");
            let basic = base64::engine::general_purpose::STANDARD.encode(&pair);
            for form in [token.to_owned(), pair, basic] {
                forms.push(form.clone());
                forms.extend(percent_forms(&form));
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        Self { forms }
    }

    /// One secret of its own, such as a stream's bearer token, in its plain and
    /// percent-encoded forms.
    pub(crate) fn single(secret: &str) -> Self {
        use base64::Engine as _;
        let mut forms = Vec::new();
        if !secret.is_empty() {
            let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
            let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
            forms.push(secret.to_owned());
            forms.extend(percent_forms(secret));
            forms.extend([base64, url_safe]);
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        Self { forms }
    }

    /// The text with every form of a secret replaced by `[redacted]`.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = Cow::Owned(out.replace(form.as_str(), REDACTED));
            }
        }
        out
    }

    /// Bytes from a server as text, lossily decoded, with every secret taken out.
    pub(crate) fn redact_bytes(&self, bytes: &[u8]) -> String {
        self.redact(&String::from_utf8_lossy(bytes)).into_owned()
    }
}

/// The forms a server may echo `secret` in once percent-encoded: as a form encodes it
/// (`+` for a space) or as a path does (`%20`), each with its hex digits in upper or lower
/// case (`%2F` or `%2f`).
fn percent_forms(secret: &str) -> Vec<String> {
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let escaped = encoded.replace('+', "%20");
    let lower = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            let code = rest.get(at..at + 3).unwrap_or(&rest[at..]);
            out.push_str(&code.to_ascii_lowercase());
            rest = &rest[at + code.len()..];
        }
        out.push_str(rest);
        out
    };
    let (encoded_lower, escaped_lower) = (lower(&encoded), lower(&escaped));
    vec![encoded, escaped, encoded_lower, escaped_lower]
}

/// A URL with any user name and password in it taken out, for an error or a preview; other
/// text as it is.
pub(crate) fn without_userinfo(text: &str) -> Cow<'_, str> {
    match url::Url::parse(text.trim()) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Cow::Owned(url.into())
        }
        _ => Cow::Borrowed(text),
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_a_url_are_taken_out() {
        assert_eq!(
            without_userinfo("wss://user:pass@example.com/a?b=1"),
            "wss://example.com/a?b=1"
        );
        assert_eq!(
            without_userinfo("wss://user@example.com/"),
            "wss://example.com/"
        );
        assert_eq!(
            without_userinfo("https://example.com/x"),
            "https://example.com/x"
        );
        assert_eq!(without_userinfo("not a url"), "not a url");
    }

    #[test]
    fn a_token_echoed_percent_encoded_in_lower_case_is_redacted() {
        let secrets = Secrets::new("user", "PT/secret+token");
        assert_eq!(
            secrets.redact("echo PT%2fsecret%2btoken"),
            format!("echo {REDACTED}")
        );
        assert_eq!(
            secrets.redact("echo PT%2Fsecret%2Btoken"),
            format!("echo {REDACTED}")
        );
    }

    #[test]
    fn a_single_secret_is_redacted_in_base64_too() {
        use base64::Engine as _;
        let secret = "bearer token/with+odd?chars";
        let secrets = Secrets::single(secret);
        for form in [
            base64::engine::general_purpose::STANDARD.encode(secret),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
            "bearer%20token%2Fwith%2Bodd%3Fchars".to_owned(),
            "bearer%20token%2fwith%2bodd%3fchars".to_owned(),
            "bearer+token%2fwith%2bodd%3fchars".to_owned(),
        ] {
            let echoed = format!("echo: {form}");
            assert_eq!(
                secrets.redact(&echoed),
                format!("echo: {REDACTED}"),
                "{form}"
            );
        }
    }

    #[test]
    fn control_and_reordering_characters_are_escaped() {
        let shown = Printable::new("a\u{1b}[31mb\u{7}\u{9b}c\u{202e}d\u{2066}e\u{0}").to_string();
        assert_eq!(
            shown,
            "a\\u{1b}[31mb\\u{7}\\u{9b}c\\u{202e}d\\u{2066}e\\u{0}"
        );
        assert!(!shown.chars().any(must_escape));
        assert_eq!(Printable::new("ça va, 日本").to_string(), "ça va, 日本");
    }

    #[test]
    fn long_text_is_cut_with_a_count() {
        let text = "é".repeat(1030);
        let shown = Printable::new(&text).to_string();
        assert!(shown.starts_with(&"é".repeat(1024)));
        assert!(shown.ends_with("é… [6 more characters]"), "{shown}");
        assert_eq!(
            Printable::new(&"x".repeat(1024)).to_string(),
            "x".repeat(1024)
        );
        assert_eq!(
            Printable::with_limit("abcdef", 2).to_string(),
            "ab… [4 more characters]"
        );
        assert_eq!(Printable::new("").to_string(), "");
    }

    #[test]
    fn every_form_of_the_secret_is_taken_out() {
        use base64::Engine as _;
        let s = Secrets::new("p-1", "PT/tok+en=");
        let basic = base64::engine::general_purpose::STANDARD.encode("p-1:PT/tok+en=");
        for text in [
            "PT/tok+en=".to_owned(),
            "p-1:PT/tok+en=".to_owned(),
            format!("Authorization: Basic {basic}"),
            "next?t=PT%2Ftok%2Ben%3D".to_owned(),
        ] {
            let out = s.redact(&text);
            assert!(out.contains(REDACTED), "{text} -> {out}");
            assert!(!out.contains("tok"), "{text} -> {out}");
            assert!(!out.contains(&basic), "{text} -> {out}");
        }
        assert_eq!(s.redact("nothing secret"), "nothing secret");
        assert_eq!(format!("{s:?}"), "** redacted **");
        // An empty token would match everywhere; there is nothing to hide.
        assert_eq!(Secrets::new("p", "").redact("abc"), "abc");
    }

    #[test]
    fn a_single_secret_is_taken_out_plain_and_percent_encoded() {
        let s = Secrets::single("bearer/tok en");
        assert_eq!(s.redact("a bearer/tok en b"), "a [redacted] b");
        assert_eq!(s.redact("q=bearer%2Ftok+en"), "q=[redacted]");
        assert_eq!(s.redact("q=bearer%2Ftok%20en"), "q=[redacted]");
        assert_eq!(s.redact("nothing here"), "nothing here");
        assert_eq!(Secrets::single("").redact("abc"), "abc");
    }
}
