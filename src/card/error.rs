//! Errors of the card layer, with the Japanese message an officer sees.

use thiserror::Error;

/// Everything that can go wrong between the PC/SC service and a parsed certificate.
///
/// `Display` gives the Japanese message (with a technical detail where there is one);
/// [`CardError::user_message`] gives the message alone, for the status line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CardError {
    /// The PC/SC service (pcscd / Windows smart card service) is not running
    /// (`SCARD_E_NO_SERVICE`, `SCARD_E_SERVICE_STOPPED`). Windows starts its service only once a
    /// reader is (or was) plugged in, and may stop it when the last one is unplugged, so there
    /// the message says what to do.
    #[cfg_attr(
        not(windows),
        error("カードリーダサービス未起動です（自動で再接続します）")
    )]
    #[cfg_attr(
        windows,
        error(
            "カードリーダサービス未起動です（カードリーダをつなぐと起動します。自動で再接続します）"
        )
    )]
    NoService,
    /// No usable reader is connected.
    #[error("カードリーダが見つかりません")]
    NoReader,
    /// No card in the reader.
    #[error("カードが置かれていません")]
    NoCard,
    /// The card went away (lifted, reset or unpowered) during the read.
    #[error("カードをもう一度置いてください")]
    Removed,
    /// The card answered `6A 82` to both HPKI applications.
    #[error("医師資格証ではありません")]
    NotHpki,
    /// The certificate (or a card response) could not be understood.
    #[error("証明書を読み取れません（{0}）")]
    Malformed(String),
    /// Communication with the reader or card failed.
    #[error("カードリーダとの通信に失敗しました（{0}）")]
    Transport(String),
    /// The card or reader did not answer in time.
    #[error("カードの応答がありません")]
    Timeout,
}

impl CardError {
    /// The Japanese message without technical detail.
    pub fn user_message(&self) -> String {
        match self {
            CardError::Malformed(_) => {
                "証明書を読み取れません。カードを置き直してください".to_string()
            }
            CardError::Transport(_) => {
                "カードリーダとの通信に失敗しました。カードを置き直してください".to_string()
            }
            other => other.to_string(),
        }
    }

    /// Whether restarting the whole SELECT→READ sequence may help
    /// (card lifted, reset, unpowered, unresponsive, communication error, timeout).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CardError::Removed | CardError::NoCard | CardError::Transport(_) | CardError::Timeout
        )
    }

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
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::NoService),
            CardError::NoService
        );
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::ServiceStopped),
            CardError::NoService
        );
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::RemovedCard),
            CardError::Removed
        );
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::ResetCard),
            CardError::Removed
        );
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::NoSmartcard),
            CardError::NoCard
        );
        assert_eq!(
            CardError::from_pcsc(pcsc::Error::NoReadersAvailable),
            CardError::NoReader
        );
        assert!(CardError::from_pcsc(pcsc::Error::CommError).is_retryable());
        assert!(CardError::from_pcsc(pcsc::Error::UnpoweredCard).is_retryable());
        assert!(CardError::from_pcsc(pcsc::Error::UnresponsiveCard).is_retryable());
    }
}
