//! What a called number does: it answers (a person or a machine), is busy, does not answer,
//! or cannot be reached, after ringing for a while. A test sets it per number or for every
//! number (`PUT /__emulator/numbers/{number}/behavior`, `default` for every number), or a
//! seed does; a number with no rule answers as a person after [`ANSWER_AFTER`].
//!
//! [`ANSWER_AFTER`]: super::ANSWER_AFTER

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::response::Refusal;

/// The longest a number may ring before its outcome, in milliseconds: ten minutes, the
/// longest `Timeout` a call may have.
pub const MAX_RING_MS: u64 = 600_000;

/// The most numbers a project may give rules to.
pub const MAX_RULES: usize = 10_000;

/// How a called number answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Answer {
    /// A person answers (machine detection, when asked, says `human`).
    #[default]
    Human,
    /// A machine answers (machine detection, when asked, says `machine_start`).
    Machine,
    /// The line is busy: the call ends `busy`.
    Busy,
    /// Nobody answers: the call rings until its `Timeout` and ends `no-answer`.
    NoAnswer,
    /// The number cannot be reached: the call ends `failed` without ringing.
    Fail,
}

/// What a number does when it is called, as `PUT /__emulator/numbers/{number}/behavior`
/// takes it (`{"answer": "busy", "after_ms": 3000}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NumberBehavior {
    /// How it answers; a person when not given.
    #[serde(default)]
    pub answer: Answer,
    /// How long it rings before answering or being busy, in milliseconds (at most
    /// [`MAX_RING_MS`]); [`ANSWER_AFTER`](super::ANSWER_AFTER) when not given. A call whose
    /// `Timeout` is shorter ends `no-answer` first.
    #[serde(default = "ring_ms")]
    pub after_ms: u64,
    /// What becomes of a message sent to it; delivered when not given (undelivered, 30003,
    /// when `answer` is `fail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageFate>,
    /// The error an `undelivered` or `failed` message reports: one of
    /// [`MESSAGE_ERRORS`]; 30003 (undelivered) or 30008 (failed) when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<u32>,
}

/// What becomes of a message sent to a number, as its rule says (`"message"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MessageFate {
    /// It is sent, then delivered.
    Delivered,
    /// It is sent, and not delivered (`undelivered`, with its error code).
    Undelivered,
    /// It is never sent (`failed`, with its error code).
    Failed,
}

/// The error codes a message's rule may give, SignalWire's, with what each means.
pub const MESSAGE_ERRORS: [(u32, &str); 11] = [
    (30001, "The message's validity period was exceeded"),
    (30002, "The account's balance is too low to send it"),
    (30003, "Unreachable destination handset"),
    (30004, "Blocked by the destination carrier"),
    (30005, "Unknown destination handset"),
    (30006, "No route to the destination handset"),
    (30007, "Flagged as a carrier violation"),
    (30008, "Unknown error upstream"),
    (30009, "Its validity period expired at the carrier"),
    (30011, "MMS expired, rejected, failed or not supported"),
    (30012, "The MMS could not be sent"),
];

/// What a message error code means, for its `error_message`.
pub(crate) fn message_error(code: u32) -> &'static str {
    MESSAGE_ERRORS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Message not delivered", |(_, text)| text)
}

fn ring_ms() -> u64 {
    u64::try_from(super::ANSWER_AFTER.as_millis()).unwrap_or(u64::MAX)
}

impl Default for NumberBehavior {
    fn default() -> Self {
        Self {
            answer: Answer::Human,
            after_ms: ring_ms(),
            message: None,
            error_code: None,
        }
    }
}

impl NumberBehavior {
    /// A number that answers this way after the usual ringing.
    pub fn new(answer: Answer) -> Self {
        Self {
            answer,
            ..Self::default()
        }
    }

    /// The same, ringing `after_ms` milliseconds first.
    #[must_use]
    pub fn after_ms(mut self, after_ms: u64) -> Self {
        self.after_ms = after_ms;
        self
    }

    /// The same, with what becomes of a message sent to it, and the error it reports
    /// (for `Undelivered` and `Failed`).
    #[must_use]
    pub fn message(mut self, fate: MessageFate, error_code: Option<u32>) -> Self {
        self.message = Some(fate);
        self.error_code = error_code;
        self
    }

    /// The rule, checked.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.after_ms > MAX_RING_MS {
            return Err(format!(
                "after_ms is {}; a number rings at most {MAX_RING_MS} ms",
                self.after_ms
            ));
        }
        if let Some(code) = self.error_code {
            if !matches!(
                self.message,
                Some(MessageFate::Undelivered | MessageFate::Failed)
            ) {
                return Err(
                    "error_code is for a message that is undelivered or failed: give \"message\" too"
                        .into(),
                );
            }
            if !MESSAGE_ERRORS.iter().any(|(c, _)| *c == code) {
                let known: Vec<String> =
                    MESSAGE_ERRORS.iter().map(|(c, _)| c.to_string()).collect();
                return Err(format!(
                    "error_code {code} is not a message error; use one of {}",
                    known.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// A number as a control request's path names it: `default`, or up to 64 printable
/// characters (`+15551234567`, `sip:alice@example.com`).
pub(crate) fn check_number(number: &str) -> Result<(), Refusal> {
    if number.is_empty()
        || number.chars().count() > 64
        || number.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Refusal::bad(
            "A number is 1 to 64 characters with no spaces, such as +15551234567, or `default` for every number",
        ));
    }
    Ok(())
}

/// A project's rules for the numbers it calls.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    by_number: HashMap<String, NumberBehavior>,
    default: NumberBehavior,
}

impl Rules {
    /// The rules a seed gives.
    pub(crate) fn from_seed(numbers: &[super::SeedNumber]) -> Self {
        let mut rules = Self::default();
        for n in numbers {
            if let Some(b) = n.behavior {
                rules.by_number.insert(n.number.clone(), b);
            }
        }
        rules
    }

    /// What `number` does when called.
    pub(crate) fn of(&self, number: &str) -> NumberBehavior {
        self.by_number.get(number).copied().unwrap_or(self.default)
    }

    /// What `number` (or `default`) does, and whether a rule of its own says so.
    pub(crate) fn get(&self, number: &str) -> (NumberBehavior, bool) {
        if number == "default" {
            return (self.default, true);
        }
        match self.by_number.get(number) {
            Some(b) => (*b, true),
            None => (self.default, false),
        }
    }

    /// Sets what `number` (or, for `default`, every number without a rule) does.
    pub(crate) fn set(&mut self, number: &str, behavior: NumberBehavior) -> Result<(), Refusal> {
        behavior
            .check()
            .map_err(|e| Refusal::bad(format!("The behavior's {e}")))?;
        if number == "default" {
            self.default = behavior;
            return Ok(());
        }
        if !self.by_number.contains_key(number) && self.by_number.len() >= MAX_RULES {
            return Err(Refusal::new(
                429,
                10000,
                format!("A project may give rules to at most {MAX_RULES} numbers; delete some"),
            ));
        }
        self.by_number.insert(number.to_owned(), behavior);
        Ok(())
    }

    /// Takes `number`'s rule away (for `default`, the default is a person answering again).
    pub(crate) fn remove(&mut self, number: &str) {
        if number == "default" {
            self.default = NumberBehavior::default();
        } else {
            self.by_number.remove(number);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fall_back_to_the_default() {
        let mut rules = Rules::default();
        assert_eq!(rules.of("+15550000001").answer, Answer::Human);
        rules
            .set("default", NumberBehavior::new(Answer::NoAnswer))
            .unwrap();
        rules
            .set("+15550000001", NumberBehavior::new(Answer::Busy))
            .unwrap();
        assert_eq!(rules.of("+15550000001").answer, Answer::Busy);
        assert_eq!(rules.of("+15550000002").answer, Answer::NoAnswer);
        rules.remove("+15550000001");
        assert_eq!(rules.of("+15550000001").answer, Answer::NoAnswer);
        assert!(
            rules
                .set(
                    "x",
                    NumberBehavior::new(Answer::Human).after_ms(MAX_RING_MS + 1)
                )
                .is_err()
        );
    }

    #[test]
    fn behaviors_read_as_documented() {
        let b: NumberBehavior = serde_json::from_str(r#"{"answer": "no-answer"}"#).unwrap();
        assert_eq!(b, NumberBehavior::new(Answer::NoAnswer));
        assert!(serde_json::from_str::<NumberBehavior>(r#"{"answer": "maybe"}"#).is_err());
        assert!(serde_json::from_str::<NumberBehavior>(r#"{"anwser": "busy"}"#).is_err());
        assert!(check_number("+15551234567").is_ok());
        assert!(check_number("a b").is_err());
        assert!(check_number("").is_err());
    }
}
