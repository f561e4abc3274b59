//! The account's phone numbers in the emulator: what buying one and changing one do.
//! Listing, fetching and releasing are the store's.
//!
//! A bought number is as SignalWire shows one of its own: every capability, `origin`
//! `signalwire`, `address_requirements` `none`, `beta` false, every method `POST` unless
//! given, and its name the number formatted for people (`(555) 123-0100` for a North
//! American number) unless one is given. A number the project already has cannot be bought
//! again (422, 21422). Its country comes from its calling code (`US` for `+1`); a number whose
//! calling code is not one of [`COUNTRIES`] is not sold (400, 21421). A number
//! with a North American toll-free code (800, 833, 844, 855, 866, 877, 888) has a
//! `verification_status` (`unverified`) and takes no emergency address. `VoiceReceiveMode`
//! is checked and not kept (the number model has no field for it); setting
//! `EmergencyAddressSid` makes `emergency_status` `Active`. The `PhoneNumber` filter of a
//! listing matches numbers holding its digits.

use serde_json::Value;

use super::{
    participants::whole_seconds,
    response::Refusal,
    store::{Ctx, Emulated, method_text, set_method, set_text},
};
use crate::{
    CallbackMethod, IncomingPhoneNumber, NumberCapabilities, NumberCapability, NumberType,
    api::generated::{
        ImportedPhoneNumberCreate, IncomingPhoneNumberCreate, IncomingPhoneNumberUpdate,
    },
};

/// The countries whose numbers the emulator sells, by calling code (ISO 3166-1 alpha-2);
/// a `+1` number is taken to be of the United States.
const COUNTRIES: [(&str, &str); 32] = [
    ("1", "US"),
    ("27", "ZA"),
    ("31", "NL"),
    ("32", "BE"),
    ("33", "FR"),
    ("34", "ES"),
    ("351", "PT"),
    ("353", "IE"),
    ("358", "FI"),
    ("39", "IT"),
    ("41", "CH"),
    ("420", "CZ"),
    ("43", "AT"),
    ("44", "GB"),
    ("45", "DK"),
    ("46", "SE"),
    ("47", "NO"),
    ("48", "PL"),
    ("49", "DE"),
    ("52", "MX"),
    ("54", "AR"),
    ("55", "BR"),
    ("56", "CL"),
    ("57", "CO"),
    ("61", "AU"),
    ("64", "NZ"),
    ("65", "SG"),
    ("81", "JP"),
    ("82", "KR"),
    ("852", "HK"),
    ("91", "IN"),
    ("972", "IL"),
];

/// The country of a number in E.164 form, if it is one the emulator sells numbers of.
pub(crate) fn country_of(number: &str) -> Option<&'static str> {
    let digits = number.strip_prefix('+')?;
    COUNTRIES
        .iter()
        .filter(|(code, _)| digits.starts_with(code))
        .max_by_key(|(code, _)| code.len())
        .map(|(_, country)| *country)
}

/// North American toll-free codes.
const TOLL_FREE: [&str; 7] = ["800", "833", "844", "855", "866", "877", "888"];

/// Whether a number is a North American toll-free one.
fn toll_free(number: &str) -> bool {
    number
        .strip_prefix("+1")
        .is_some_and(|n| TOLL_FREE.iter().any(|c| n.starts_with(c)))
}

/// A number as people write it: `(555) 123-0100` for a North American one, else as given.
pub(crate) fn formatted(number: &str) -> String {
    match number.strip_prefix("+1") {
        Some(n) if n.len() == 10 && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..])
        }
        _ => number.to_owned(),
    }
}

/// The digits (and `+`) of a listing's `PhoneNumber` filter or of a number.
fn digits(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// A number as the account has it once bought or imported, before what the request sets.
fn new_row(
    ctx: &Ctx<'_>,
    number: &str,
    country: Option<&str>,
    toll_free: bool,
    origin: &str,
    capabilities: NumberCapabilities,
) -> IncomingPhoneNumber {
    let post = method_text(CallbackMethod::Post);
    IncomingPhoneNumber {
        sid: ctx.sid.into(),
        account_sid: ctx.account.into(),
        account_id: Some(ctx.account.to_string()),
        friendly_name: Some(formatted(number)),
        phone_number: Some(number.to_owned()),
        capabilities: Some(capabilities),
        country_code: country.map(str::to_owned),
        origin: Some(origin.to_owned()),
        voice_url: None,
        voice_method: post.clone(),
        voice_fallback_url: None,
        voice_fallback_method: post.clone(),
        voice_application_sid: None,
        voice_caller_id_lookup: None,
        sms_url: None,
        sms_method: post.clone(),
        sms_fallback_url: None,
        sms_fallback_method: post.clone(),
        sms_application_sid: None,
        status_callback: None,
        status_callback_method: post,
        address_requirements: Some("none".into()),
        address_sid: None,
        emergency_address_sid: None,
        emergency_status: Some("Inactive".into()),
        identity_sid: None,
        trunk_sid: None,
        verification_status: toll_free.then(|| "unverified".to_owned()),
        beta: Some(false),
        date_created: Some(whole_seconds(ctx.now)),
        date_updated: Some(whole_seconds(ctx.now)),
        api_version: Some("2010-04-01".into()),
        uri: Some(ctx.uri(IncomingPhoneNumber::meta(), &ctx.sid)),
    }
}

/// Every capability: what a bought number has, and an imported one unless told.
fn every_capability() -> NumberCapabilities {
    NumberCapabilities {
        voice: Some(true),
        sms: Some(true),
        mms: Some(true),
        fax: Some(true),
    }
}

/// A number imported (`POST …/ImportedPhoneNumbers`): one of the account's numbers, of
/// `origin` `hosted`, with the capabilities asked for (every one when none is), its country
/// from its calling code where the emulator knows it. Every refusal is a 422 with its code
/// as text, as SignalWire writes them.
pub(crate) fn import(
    tables: &mut super::store::Tables,
    ctx: &Ctx<'_>,
    body: &[u8],
) -> Result<Value, Refusal> {
    imported(tables, ctx, body).map_err(Refusal::text_code)
}

fn imported(
    tables: &mut super::store::Tables,
    ctx: &Ctx<'_>,
    body: &[u8],
) -> Result<Value, Refusal> {
    let form: ImportedPhoneNumberCreate =
        super::store::read_checked(body, false).map_err(|r| Refusal::new(422, 10000, r.message))?;
    // The reader has checked both are given and what they hold.
    let number = form.number.unwrap_or_default();
    let toll_free = matches!(form.number_type, Some(NumberType::Tollfree));
    let capabilities = match form.capabilities {
        None => every_capability(),
        Some(given) => {
            let has = |c: NumberCapability| Some(given.contains(&c));
            if let Some(twice) = given
                .iter()
                .enumerate()
                .find(|(i, c)| given[..*i].contains(c))
            {
                return Err(Refusal::new(
                    422,
                    10000,
                    format!("capabilities names {} twice", twice.1),
                ));
            }
            NumberCapabilities {
                voice: has(NumberCapability::Voice),
                sms: has(NumberCapability::Sms),
                mms: has(NumberCapability::Mms),
                fax: has(NumberCapability::Fax),
            }
        }
    };
    super::store::add(tables, ctx, |ctx| {
        Ok(new_row(
            ctx,
            &number,
            country_of(&number),
            toll_free,
            "hosted",
            capabilities,
        ))
    })
}

impl Emulated for IncomingPhoneNumber {
    type Create = IncomingPhoneNumberCreate;
    type Update = IncomingPhoneNumberUpdate;

    fn create(ctx: &Ctx<'_>, form: IncomingPhoneNumberCreate) -> Result<Self, Refusal> {
        // The store has checked that it is given.
        let number = form.phone_number.clone().unwrap_or_default();
        let Some(country) = country_of(&number) else {
            return Err(Refusal::new(
                400,
                21421,
                format!(
                    "PhoneNumber {number} is not a number the emulator sells: its calling code is not one of {}",
                    COUNTRIES.map(|(code, _)| format!("+{code}")).join(", ")
                ),
            ));
        };
        let mut row = new_row(
            ctx,
            &number,
            Some(country),
            toll_free(&number),
            "signalwire",
            every_capability(),
        );
        row.update(
            ctx,
            IncomingPhoneNumberUpdate {
                // An empty name is none: the number formatted stays.
                friendly_name: form.friendly_name.filter(|n| !n.is_empty()),
                voice_url: form.voice_url,
                voice_method: form.voice_method,
                voice_fallback_url: form.voice_fallback_url,
                voice_fallback_method: form.voice_fallback_method,
                voice_application_sid: form.voice_application_sid,
                voice_receive_mode: form.voice_receive_mode,
                sms_url: form.sms_url,
                sms_method: form.sms_method,
                sms_fallback_url: form.sms_fallback_url,
                sms_fallback_method: form.sms_fallback_method,
                sms_application_sid: form.sms_application_sid,
                status_callback: form.status_callback,
                status_callback_method: form.status_callback_method,
                emergency_address_sid: None,
            },
        )?;
        Ok(row)
    }

    fn update(&mut self, ctx: &Ctx<'_>, f: IncomingPhoneNumberUpdate) -> Result<(), Refusal> {
        // An empty URL clears it (the store lets an update send one).
        let (text, verb) = (set_text, set_method);
        let sid = |slot: &mut Option<String>, given: Option<uuid::Uuid>| {
            if let Some(given) = given {
                *slot = Some(given.to_string());
            }
        };
        // An update's empty name is refused by its form's length (1 to 255).
        text(&mut self.friendly_name, f.friendly_name);
        text(&mut self.voice_url, f.voice_url);
        verb(&mut self.voice_method, f.voice_method);
        text(&mut self.voice_fallback_url, f.voice_fallback_url);
        verb(&mut self.voice_fallback_method, f.voice_fallback_method);
        sid(&mut self.voice_application_sid, f.voice_application_sid);
        text(&mut self.sms_url, f.sms_url);
        verb(&mut self.sms_method, f.sms_method);
        text(&mut self.sms_fallback_url, f.sms_fallback_url);
        verb(&mut self.sms_fallback_method, f.sms_fallback_method);
        sid(&mut self.sms_application_sid, f.sms_application_sid);
        text(&mut self.status_callback, f.status_callback);
        verb(&mut self.status_callback_method, f.status_callback_method);
        if let Some(address) = f.emergency_address_sid {
            if toll_free(self.phone_number.as_deref().unwrap_or_default()) {
                return Err(Refusal::bad(
                    "EmergencyAddressSid cannot be set on a toll-free number".to_owned(),
                ));
            }
            self.emergency_address_sid = Some(address);
            self.emergency_status = Some("Active".into());
        }
        self.date_updated = Some(whole_seconds(ctx.now));
        Ok(())
    }

    fn fits_with<'a>(&self, others: impl Iterator<Item = &'a Self>) -> Result<(), Refusal>
    where
        Self: 'a,
    {
        let mine = self.phone_number.as_deref();
        if others
            .into_iter()
            .any(|o| o.phone_number.as_deref() == mine)
        {
            return Err(Refusal::new(
                422,
                21422,
                format!(
                    "Phone number {} is already one of the project's numbers",
                    mine.unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    fn matches(field: &str, row: &Value, wanted: &str) -> bool {
        match field {
            "phone_number" => row[field]
                .as_str()
                .is_some_and(|number| number.contains(&digits(wanted))),
            _ => row[field].as_str() == Some(wanted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_for_people_where_their_form_is_known() {
        assert_eq!(formatted("+15551230100"), "(555) 123-0100");
        assert_eq!(formatted("+442071234567"), "+442071234567");
        assert_eq!(formatted("+1555123010"), "+1555123010");
    }

    #[test]
    fn a_numbers_country_is_its_longest_calling_code() {
        assert_eq!(country_of("+15551230100"), Some("US"));
        assert_eq!(country_of("+442071234567"), Some("GB"));
        // +353 is Ireland, not +35 (no such code) nor anything shorter.
        assert_eq!(country_of("+353112345678"), Some("IE"));
        assert_eq!(country_of("+85221234567"), Some("HK"));
        assert_eq!(country_of("+0000000000"), None);
        assert_eq!(country_of("15551230100"), None);
    }

    #[test]
    fn the_number_filter_matches_its_digits_anywhere() {
        let row = serde_json::json!({"phone_number": "+15551230100"});
        for (wanted, hit) in [
            ("+1555", true),
            ("0100", true),
            ("(555) 123", true),
            ("+1666", false),
            ("", true),
        ] {
            assert_eq!(
                IncomingPhoneNumber::matches("phone_number", &row, wanted),
                hit,
                "{wanted:?}"
            );
        }
    }
}
