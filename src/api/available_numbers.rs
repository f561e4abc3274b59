//! The numbers an account may buy: the countries that have them, and a country's search of
//! its local or toll-free numbers. Not a resource of the account (nothing is created,
//! changed or removed, and a search is one answer, not pages), so its builders are its own.

use std::future::Future;

use futures_util::future::Either;

use crate::{AvailableCountry, AvailablePhoneNumber, Client, Error, error::Invalid};

/// The kind of number a search looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Local,
    TollFree,
}

/// A country's numbers to buy, reached by [`Client::available_phone_numbers`].
#[derive(Debug, Clone)]
pub struct AvailableNumbers {
    client: Client,
    country: Result<String, Invalid>,
}

/// A search of a country's numbers to buy, sent by [`send`](SearchNumbers::send). From
/// [`AvailableNumbers::local`] or [`AvailableNumbers::toll_free`].
///
/// Each filter is checked as it is given; the first that is wrong is the search's error,
/// and nothing is sent.
#[derive(Debug, Clone)]
#[must_use = "a search does nothing until it is sent"]
pub struct SearchNumbers {
    client: Client,
    country: Result<String, Invalid>,
    kind: Kind,
    area_code: Option<String>,
    contains: Option<String>,
    in_region: Option<String>,
    in_locality: Option<String>,
    beta: Option<bool>,
    invalid: Option<Invalid>,
}

/// A country code as a path takes it: two letters, upper case.
fn country_code(country: &str) -> Result<String, Invalid> {
    let code = country.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(Invalid {
            field: "country",
            reason: format!(
                "{:?} is not a two-letter ISO country code such as US",
                crate::Printable::new(country).to_string()
            ),
        })
    }
}

impl Client {
    /// The countries whose numbers the account may buy, each with the URIs of its searches.
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// for country in client.available_countries().await? {
    ///     println!("{} {}", country.country_code, country.country.unwrap_or_default());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn available_countries(
        &self,
    ) -> impl Future<Output = Result<Vec<AvailableCountry>, Error>> + Send + 'static + use<> {
        let client = self.clone();
        async move {
            let account = client.account_sid();
            let list = client
                .body("list of countries", |api| {
                    api.list_available_countries(&account)
                })
                .await?;
            Ok(list.countries)
        }
    }

    /// The numbers to buy of the country `country` (its two-letter ISO code, `US`; checked
    /// when a request is sent).
    ///
    /// ```no_run
    /// # async fn demo(client: signalwire_compat::Client) -> Result<(), signalwire_compat::Error> {
    /// let found = client
    ///     .available_phone_numbers("US")
    ///     .local()
    ///     .area_code("555")
    ///     .contains("123")
    ///     .send()
    ///     .await?;
    /// if let Some(number) = found.first() {
    ///     client.incoming_phone_numbers().create(&number.phone_number).send().await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn available_phone_numbers(&self, country: &str) -> AvailableNumbers {
        AvailableNumbers {
            client: self.clone(),
            country: country_code(country),
        }
    }
}

impl AvailableNumbers {
    /// The country, with the URIs of its searches; 404 for one with no numbers to buy.
    pub fn fetch(
        &self,
    ) -> impl Future<Output = Result<AvailableCountry, Error>> + Send + 'static + use<> {
        let client = self.client.clone();
        let country = self.country.clone();
        async move {
            let country = country?;
            let account = client.account_sid();
            client
                .body("country", |api| {
                    api.fetch_available_country(&account, &country)
                })
                .await
        }
    }

    /// A search of the country's local numbers.
    pub fn local(&self) -> SearchNumbers {
        self.search(Kind::Local)
    }

    /// A search of the country's toll-free numbers.
    pub fn toll_free(&self) -> SearchNumbers {
        self.search(Kind::TollFree)
    }

    fn search(&self, kind: Kind) -> SearchNumbers {
        SearchNumbers {
            client: self.client.clone(),
            country: self.country.clone(),
            kind,
            area_code: None,
            contains: None,
            in_region: None,
            in_locality: None,
            beta: None,
            invalid: None,
        }
    }
}

impl SearchNumbers {
    fn refuse(mut self, field: &'static str, reason: String) -> Self {
        self.invalid.get_or_insert(Invalid { field, reason });
        self
    }

    /// Keeps `kept` in the filter `slot` names when the value given is `ok`; otherwise the
    /// search's error says the value given (shown escaped) `wrong`.
    fn filter(
        mut self,
        field: &'static str,
        given: &str,
        (ok, kept): (bool, String),
        wrong: &str,
        slot: fn(&mut Self) -> &mut Option<String>,
    ) -> Self {
        if ok {
            *slot(&mut self) = Some(kept);
            self
        } else {
            let shown = crate::Printable::new(given).to_string();
            self.refuse(field, format!("{shown:?} {wrong}"))
        }
    }

    /// Only numbers of this area code (three digits; US and Canada), or of this toll-free
    /// code (such as `888`).
    pub fn area_code(self, code: &str) -> Self {
        let ok = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
        self.filter(
            "area_code",
            code,
            (ok, code.to_owned()),
            "is not three digits",
            |s| &mut s.area_code,
        )
    }

    /// Only numbers holding `pattern`: 1 to 16 digits, letters (each the digit of its key
    /// on a phone's keypad: `CAFE` is 2233) and `*` for any one digit.
    pub fn contains(self, pattern: &str) -> Self {
        let ok = (1..=16).contains(&pattern.len())
            && pattern
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'*');
        let wrong = "is not 1 to 16 digits, letters and *";
        self.filter("contains", pattern, (ok, pattern.to_owned()), wrong, |s| {
            &mut s.contains
        })
    }

    /// Only numbers of this region: a state or province, two letters (`WA`).
    pub fn in_region(self, region: &str) -> Self {
        let ok = region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic());
        let wrong = "is not a two-letter state or province code";
        self.filter(
            "in_region",
            region,
            (ok, region.to_ascii_uppercase()),
            wrong,
            |s| &mut s.in_region,
        )
    }

    /// Only numbers of this city or locality (with [`in_region`](Self::in_region), which
    /// SignalWire requires beside it).
    pub fn in_locality(self, locality: &str) -> Self {
        let length = locality.chars().count();
        let ok = (1..=64).contains(&length) && !locality.chars().any(char::is_control);
        let wrong = "is not a locality of 1 to 64 characters";
        self.filter(
            "in_locality",
            locality,
            (ok, locality.to_owned()),
            wrong,
            |s| &mut s.in_locality,
        )
    }

    /// Whether to include numbers new on SignalWire (marked `beta`).
    pub fn beta(mut self, beta: bool) -> Self {
        self.beta = Some(beta);
        self
    }

    /// Searches: the numbers found, none an empty list. Read-only, so it is retried as any
    /// read is.
    pub async fn send(self) -> Result<Vec<AvailablePhoneNumber>, Error> {
        {
            if let Some(invalid) = self.invalid {
                return Err(invalid.into());
            }
            if self.in_locality.is_some() && self.in_region.is_none() {
                return Err(Invalid {
                    field: "in_locality",
                    reason: "a locality is searched within a region: give in_region too".into(),
                }
                .into());
            }
            let country = self.country?;
            let client = self.client;
            let account = client.account_sid();
            let (area, contains, region, locality) = (
                self.area_code.as_deref(),
                self.contains.as_deref(),
                self.in_region.as_deref(),
                self.in_locality.as_deref(),
            );
            let beta = self.beta;
            let kind = self.kind;
            let found = client
                .body("list of numbers", |api| match kind {
                    Kind::Local => Either::Left(api.search_local_numbers(
                        &account, &country, area, beta, contains, None, None, None, None, locality,
                        region, None, None, None,
                    )),
                    Kind::TollFree => Either::Right(api.search_toll_free_numbers(
                        &account, &country, area, beta, contains, None, None, None, None, locality,
                        region, None, None, None,
                    )),
                })
                .await?;
            Ok(found.available_phone_numbers)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_is_two_letters_taken_in_any_case() {
        assert_eq!(country_code("us").unwrap(), "US");
        assert_eq!(country_code(" GB ").unwrap(), "GB");
        for bad in ["USA", "U", "1A", "", "ü1"] {
            assert!(country_code(bad).is_err(), "{bad}");
        }
    }
}
