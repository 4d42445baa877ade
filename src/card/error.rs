//! Errors of the card layer: [`CardError`] (a domain value, see `domain::reader_events`) made
//! from PC/SC errors.

pub use crate::domain::reader_events::CardError;

impl CardError {
    /// Map a PC/SC error to a card error.
    pub fn from_pcsc(err: pcsc::Error) -> CardError {
        use pcsc::Error as E;
        match err {
            E::NoService | E::ServiceStopped => CardError::NoService,
            E::NoReadersAvailable
            | E::UnknownReader
            | E::ReaderUnavailable
            | E::ReaderUnsupported => CardError::NoReader,
            E::NoSmartcard => CardError::NoCard,
            E::RemovedCard | E::ResetCard => CardError::Removed,
            E::Timeout | E::WaitedTooLong => CardError::Timeout,
            other => CardError::Transport(format!("{other}")),
        }
    }
}

impl From<pcsc::Error> for CardError {
    fn from(err: pcsc::Error) -> Self {
        CardError::from_pcsc(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_japanese() {
        assert_eq!(
            CardError::Removed.to_string(),
            "カードをもう一度置いてください"
        );
        assert_eq!(CardError::NotHpki.to_string(), "医師資格証ではありません");
        assert!(
            CardError::NoService
                .to_string()
                .contains("カードリーダサービス未起動")
        );
        #[cfg(windows)]
        assert!(
            CardError::NoService
                .to_string()
                .contains("カードリーダをつなぐと起動します")
        );
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::NoReadersAvailable).to_string(),
            "カードリーダが見つかりません"
        );
        assert!(
            CardError::Malformed("x".into())
                .to_string()
                .starts_with("証明書を読み取れません")
        );
    }

    #[test]
    fn retryable_classification() {
        assert!(CardError::Removed.is_retryable());
        assert!(CardError::Timeout.is_retryable());
        assert!(CardError::Transport("comm".into()).is_retryable());
        assert!(!CardError::NotHpki.is_retryable());
        assert!(!CardError::Malformed("x".into()).is_retryable());
        assert!(!CardError::NoService.is_retryable());
    }

    #[test]
    fn pcsc_mapping() {
        for (pcsc, want) in [
            (pcsc::Error::NoService, CardError::NoService),
            (pcsc::Error::ServiceStopped, CardError::NoService),
            (pcsc::Error::RemovedCard, CardError::Removed),
            (pcsc::Error::ResetCard, CardError::Removed),
            (pcsc::Error::NoSmartcard, CardError::NoCard),
            (pcsc::Error::NoReadersAvailable, CardError::NoReader),
        ] {
            assert_eq!(CardError::from_pcsc(pcsc), want, "{pcsc:?}");
        }
        assert!(CardError::from_pcsc(pcsc::Error::CommError).is_retryable());
        assert!(CardError::from_pcsc(pcsc::Error::UnpoweredCard).is_retryable());
        assert!(CardError::from_pcsc(pcsc::Error::UnresponsiveCard).is_retryable());
    }
}
