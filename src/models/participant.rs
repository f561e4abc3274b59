//! What a participant's call status tells; the status and the
//! [`Participant`](crate::Participant) model are generated from the spec.

use crate::ParticipantStatus;

impl ParticipantStatus {
    /// Whether the call has ended (`complete`, `completed` or `failed`).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Complete | Self::Completed | Self::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_round_trips() {
        for (text, status) in ParticipantStatus::KNOWN {
            assert_eq!(&ParticipantStatus::from(*text), status);
            assert_eq!(status.as_str(), *text);
        }
        let other = ParticipantStatus::from("paused");
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"paused\"");
        assert_eq!(other, ParticipantStatus::Other("paused".into()));
        assert_eq!(other.to_string(), "paused");
    }

    #[test]
    fn a_participant_reads_back_what_it_writes() {
        let p = crate::__private::decode_participant(
            br#"{"account_sid": "a", "call_sid": "c", "call_sid_to_coach": null, "coaching": false,
                 "conference_sid": "f", "date_created": "Mon, 24 Sept 2018 21:00:00 +0000",
                 "date_updated": "Tue, 25 Sep 2018 20:00:00 -0330", "end_conference_on_exit": false,
                 "hold": true, "muted": false, "start_conference_on_enter": true,
                 "status": "in-progress", "uri": "/u.json"}"#,
        )
        .unwrap();
        assert!(p.date_created.is_some() && p.date_updated.is_some());
        let text = serde_json::to_string(&p).unwrap();
        assert!(
            text.contains("\"date_updated\":\"Tue, 25 Sep 2018 20:00:00 -0330\""),
            "{text}"
        );
        let again: crate::Participant = serde_json::from_str(&text).unwrap();
        assert_eq!(again, p);
    }
}
