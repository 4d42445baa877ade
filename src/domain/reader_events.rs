//! What a card reader reports: [`CardEvent`] and [`CardError`], as plain values.
//!
//! The card layer's watcher emits them and the app consumes them as they are (the app may not
//! import `card`, so the type lives here, below both): no translation in between. The error keeps
//! its detail for logs and `kofu reader`; the app shows [`CardError::user_message`]. PC/SC error
//! codes are mapped onto [`CardError`] in `card::error`.

use thiserror::Error;

use crate::domain::card_facts::CardReading;

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a few events per card; boxing would only complicate matching
pub enum CardEvent {
    /// The PC/SC service is not running (or went away); the watcher keeps retrying.
    ServiceUnavailable,
    /// The PC/SC service is reachable (sent on start and after every recovery).
    ServiceAvailable,
    ReaderAdded(String),
    ReaderRemoved(String),
    CardInserted {
        reader: String,
    },
    CardRemoved {
        reader: String,
    },
    /// The card has been present for the debounce time; reading starts.
    Reading {
        reader: String,
    },
    /// The end of one read (after up to `max_attempts` attempts).
    ReadFinished {
        reader: String,
        result: Result<CardReading, CardError>,
    },
    /// An internal failure inside the watcher (a caught panic). It restarts by itself.
    WatcherFault(String),
}

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
}
