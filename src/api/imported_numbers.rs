//! Importing a number the account owns with another carrier: one request, whose answer is
//! one of the account's phone numbers, so its builder is its own (the rest of the number's
//! life is [`IncomingPhoneNumbers`]').

use std::future::Future;

use crate::{
    Error, IncomingPhoneNumber, IncomingPhoneNumbers, NumberCapability, NumberType,
    api::{generated::ImportedPhoneNumberCreate, meta},
    error::Invalid,
};

/// An import of a number, sent by [`send`](ImportPhoneNumber::send). From
/// [`IncomingPhoneNumbers::import`].
///
/// The number is checked when the import is made and the capabilities as they are given;
/// the first that is wrong is the import's error, and nothing is sent.
#[derive(Debug, Clone)]
#[must_use = "an import does nothing until it is sent"]
pub struct ImportPhoneNumber {
    client: crate::Client,
    body: ImportedPhoneNumberCreate,
    invalid: Option<Invalid>,
}

impl IncomingPhoneNumbers {
    /// Imports `number` (E.164, `+` and 5 to 30 digits), a long code or a toll-free number
    /// the account owns with another carrier. It becomes one of the account's phone numbers
    /// (`origin` `hosted`), with every capability unless
    /// [`capabilities`](ImportPhoneNumber::capabilities) says otherwise; set where its calls
    /// and messages go with [`update`](crate::IncomingPhoneNumberHandle::update).
    ///
    /// SignalWire enables imports for partners only: elsewhere the request is refused, and
    /// the error says so.
    ///
    /// ```no_run
    /// use signalwire_compat::{NumberCapability, NumberType};
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let number = client
    ///     .incoming_phone_numbers()
    ///     .import("+4915223433332", NumberType::Longcode)
    ///     .capabilities([NumberCapability::Sms, NumberCapability::Voice])
    ///     .send()
    ///     .await?;
    /// println!("{} is {}", number.phone_number.unwrap_or_default(), number.sid);
    /// # Ok(()) }
    /// ```
    pub fn import(&self, number: &str, number_type: NumberType) -> ImportPhoneNumber {
        let number = number.trim();
        ImportPhoneNumber {
            client: self.client.clone(),
            invalid: meta::checked("number", number, meta::imported_number).err(),
            body: ImportedPhoneNumberCreate {
                number: Some(number.to_owned()),
                number_type: Some(number_type),
                capabilities: None,
            },
        }
    }
}

impl ImportPhoneNumber {
    /// What the number is to do, at least one thing, each once; every capability when not
    /// given.
    pub fn capabilities(
        mut self,
        capabilities: impl IntoIterator<Item = NumberCapability>,
    ) -> Self {
        let mut kept: Vec<NumberCapability> = Vec::new();
        for capability in capabilities {
            if kept.contains(&capability) {
                self.invalid.get_or_insert(Invalid {
                    field: "capabilities",
                    reason: format!("names {capability} twice"),
                });
            } else {
                kept.push(capability);
            }
        }
        if kept.is_empty() {
            self.invalid.get_or_insert(Invalid {
                field: "capabilities",
                reason: "names nothing: give at least one, or leave it out for all four".to_owned(),
            });
        }
        self.body.capabilities = Some(kept);
        self
    }

    /// Sends the import. A bad argument fails here, before anything is sent.
    pub fn send(
        self,
    ) -> impl Future<Output = Result<IncomingPhoneNumber, Error>> + Send + 'static + use<> {
        let Self {
            client,
            body,
            invalid,
        } = self;
        async move {
            if let Some(invalid) = invalid {
                return Err(invalid.into());
            }
            let account = client.account_sid();
            client
                .body("phone number", |api| {
                    api.create_imported_phone_number(&account, &body)
                })
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> crate::Client {
        crate::Client::builder()
            .space("example")
            .project_id("7a5f0a44-8d7b-4f0c-9d8c-8e6f1b2a3c4d")
            .api_token("PT0123")
            .dry_run(true)
            .build()
            .unwrap()
    }

    /// What sending the import fails with: a dry run's stop, or its check.
    async fn stopped(import: ImportPhoneNumber) -> Error {
        import.send().await.unwrap_err()
    }

    #[tokio::test]
    async fn an_import_sends_each_capability_once_under_its_own_name() {
        let numbers = client().incoming_phone_numbers();
        let sent = stopped(
            numbers
                .import(" +4915223433332 ", NumberType::Tollfree)
                .capabilities([NumberCapability::Voice, NumberCapability::Sms]),
        )
        .await;
        let sent = sent.dry_run().expect("a dry run");
        assert_eq!(sent.method, "POST");
        assert_eq!(
            sent.url,
            "https://example.signalwire.com/api/laml/2010-04-01/Accounts/\
             7a5f0a44-8d7b-4f0c-9d8c-8e6f1b2a3c4d/ImportedPhoneNumbers"
        );
        let pairs: Vec<(&str, &str)> = sent
            .form
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("capabilities", "voice"),
                ("capabilities", "sms"),
                ("number", "+4915223433332"),
                ("number_type", "tollfree"),
            ]
        );
        let plain = stopped(numbers.import("+4915223433332", NumberType::Longcode)).await;
        let form = &plain.dry_run().expect("a dry run").form;
        assert!(form.iter().all(|(k, _)| k != "capabilities"), "{form:?}");
    }

    #[tokio::test]
    async fn a_bad_number_or_capability_list_is_refused_before_sending() {
        let numbers = client().incoming_phone_numbers();
        for (number, wrong) in [
            ("4915223433332", "+ and 5 to 30 digits"),
            ("+1234", "+ and 5 to 30 digits"),
            ("+1234567890123456789012345678901", "+ and 5 to 30 digits"),
            ("+1555-123-0100", "+ and 5 to 30 digits"),
        ] {
            let e = stopped(numbers.import(number, NumberType::Longcode)).await;
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{number}");
            assert!(e.to_string().contains(wrong), "{number}: {e}");
        }
        let number = || numbers.import("+4915223433332", NumberType::Longcode);
        let e = stopped(number().capabilities([])).await;
        assert!(e.to_string().contains("at least one"), "{e}");
        let e =
            stopped(number().capabilities([NumberCapability::Sms, NumberCapability::Sms])).await;
        assert!(e.to_string().contains("sms twice"), "{e}");
    }
}
