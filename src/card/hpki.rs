//! The HPKI read sequence: SELECT application → SELECT EF 0016 → READ BINARY → PIN counter probe.
//! Read-only; no PIN is ever sent (see [`VERIFY_PROBE`]).

use super::CardError;
use super::apdu::{
    AID_AUTH, AID_SIGN, GET_UID, READ_CHUNK, SELECT_CERT_EF, SELECT_PIN_EF, Transmit, VERIFY_PROBE,
    exchange, read_binary, select_aid,
};
use super::cert::{MAX_CERT_LEN, der_total_len, parse_certificate};
use crate::domain::card_facts::{CertificateFacts, HpkiApplication, PinStatus};

/// Upper bound on READ BINARY commands for one certificate (a card answering 1 byte at a time).
const MAX_READS: usize = 256;

/// What one pass over the card yields (the reader name and ATR are added by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpkiData {
    pub application: HpkiApplication,
    pub certificate: CertificateFacts,
    pub pin: PinStatus,
    pub uid: Option<String>,
}

/// Read everything the desk needs from a card, in one pass.
///
/// Errors: [`CardError::NotHpki`] when both AIDs answer `6A 82`; [`CardError::Malformed`] for
/// a truncated or unparsable certificate; transport errors as the transport reports them
/// (retryable ones are retried by the caller, restarting this whole sequence).
pub fn read_hpki<T: Transmit + ?Sized>(
    card: &mut T,
    with_uid: bool,
) -> Result<HpkiData, CardError> {
    let uid = if with_uid { read_uid(card)? } else { None };
    let application = select_application(card)?;
    let der = read_certificate(card)?;
    let certificate = parse_certificate(&der)?;
    let pin = probe_pin(card)?;
    Ok(HpkiData {
        application,
        certificate,
        pin,
        uid,
    })
}

/// `FF CA 00 00 00`: the contactless UID (upper-case hex); `None` when the reader has none.
pub fn read_uid<T: Transmit + ?Sized>(card: &mut T) -> Result<Option<String>, CardError> {
    match exchange(card, &GET_UID) {
        Ok(r) if r.is_ok() && !r.data.is_empty() => Ok(Some(hex::encode_upper(&r.data))),
        Ok(_) => Ok(None),
        Err(e) if e.is_retryable() && !matches!(e, CardError::Transport(_)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// SELECT the authentication application, falling back to the signing one.
pub fn select_application<T: Transmit + ?Sized>(
    card: &mut T,
) -> Result<HpkiApplication, CardError> {
    let mut last_sw = 0;
    for (aid, app) in [
        (AID_AUTH, HpkiApplication::Auth),
        (AID_SIGN, HpkiApplication::Sign),
    ] {
        let r = exchange(card, &select_aid(&aid))?;
        if r.is_ok() {
            return Ok(app);
        }
        last_sw = r.sw;
    }
    match last_sw {
        0x6A82 | 0x6A86 | 0x6D00 | 0x6E00 | 0x6A81 => Err(CardError::NotHpki),
        sw => Err(CardError::Transport(format!(
            "SELECT が失敗しました（SW {sw:04X}）"
        ))),
    }
}

/// SELECT EF 00 16 and read the whole DER certificate.
pub fn read_certificate<T: Transmit + ?Sized>(card: &mut T) -> Result<Vec<u8>, CardError> {
    let r = exchange(card, &SELECT_CERT_EF)?;
    if !r.is_ok() {
        return Err(CardError::Malformed(format!(
            "証明書ファイルを選択できません（SW {:04X}）",
            r.sw
        )));
    }
    let mut der: Vec<u8> = Vec::with_capacity(2048);
    let mut total: Option<usize> = None;
    let mut reads = 0usize;
    // Largest Le the card accepts (shrinks when it answers 67 00 "wrong length").
    let mut chunk = usize::from(READ_CHUNK);
    loop {
        reads += 1;
        if reads > MAX_READS {
            return Err(CardError::Malformed(
                "証明書の読み出しが終わりません".into(),
            ));
        }
        let want = match total {
            Some(t) if der.len() >= t => break,
            Some(t) => (t - der.len()).min(chunk),
            None => chunk,
        };
        let offset = u16::try_from(der.len())
            .ok()
            .filter(|&o| o <= 0x7FFF)
            .ok_or_else(|| CardError::Malformed("証明書が大きすぎます".into()))?;
        let le = u8::try_from(want).unwrap_or(READ_CHUNK);
        let r = exchange(card, &read_binary(offset, le))?;
        if r.sw == 0x6700 && r.data.is_empty() && chunk > 16 {
            chunk /= 2;
            continue;
        }
        // 62 82: end of file reached before Le bytes (data is still valid).
        if !(r.is_ok() || r.sw == 0x6282) || r.data.is_empty() {
            return Err(CardError::Malformed(format!(
                "証明書が途中で終わっています（{} バイト目, SW {:04X}）",
                der.len(),
                r.sw
            )));
        }
        der.extend_from_slice(&r.data);
        if total.is_none() {
            total = der_total_len(&der)?;
        }
        if let Some(t) = total {
            der.truncate(der.len().min(t));
            if der.len() >= t {
                break;
            }
            if r.sw == 0x6282 {
                return Err(CardError::Malformed(format!(
                    "証明書が途中で終わっています（{} / {t} バイト）",
                    der.len()
                )));
            }
        } else if der.len() > 8 {
            return Err(CardError::Malformed("証明書の長さを読めません".into()));
        }
        if der.len() > MAX_CERT_LEN {
            return Err(CardError::Malformed("証明書が大きすぎます".into()));
        }
    }
    Ok(der)
}

/// PIN retry counter without using a try: SELECT EF 00 02, then VERIFY with NO data.
/// `63 Cx` → x tries left; `69 83` / `69 84` → blocked. Anything else → unknown.
pub fn probe_pin<T: Transmit + ?Sized>(card: &mut T) -> Result<PinStatus, CardError> {
    let unknown = PinStatus {
        tries_left: None,
        blocked: false,
    };
    let r = exchange(card, &SELECT_PIN_EF)?;
    if !r.is_ok() {
        return Ok(unknown);
    }
    let r = exchange(card, &VERIFY_PROBE)?;
    Ok(pin_status_from_sw(r.sw))
}

/// Interpret the status word of the empty VERIFY.
pub fn pin_status_from_sw(sw: u16) -> PinStatus {
    match sw {
        0x63C0 | 0x6983 | 0x6984 => PinStatus {
            tries_left: Some(0),
            blocked: true,
        },
        sw if sw & 0xFFF0 == 0x63C0 => PinStatus {
            tries_left: Some((sw & 0x0F) as u8),
            blocked: false,
        },
        _ => PinStatus {
            tries_left: None,
            blocked: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::apdu::tests::Script;
    use proptest::prelude::*;

    fn ok(mut data: Vec<u8>) -> Result<Vec<u8>, CardError> {
        data.extend_from_slice(&[0x90, 0x00]);
        Ok(data)
    }

    #[test]
    fn pin_status_words() {
        assert_eq!(
            pin_status_from_sw(0x63CF),
            PinStatus {
                tries_left: Some(15),
                blocked: false
            }
        );
        assert_eq!(
            pin_status_from_sw(0x63C3),
            PinStatus {
                tries_left: Some(3),
                blocked: false
            }
        );
        assert!(pin_status_from_sw(0x6983).blocked);
        assert!(pin_status_from_sw(0x6984).blocked);
        assert!(pin_status_from_sw(0x63C0).blocked);
        assert_eq!(
            pin_status_from_sw(0x6A82),
            PinStatus {
                tries_left: None,
                blocked: false
            }
        );
    }

    #[test]
    fn foreign_card_is_not_hpki() {
        let mut s = Script::new(vec![Ok(vec![0x6A, 0x82]), Ok(vec![0x6A, 0x82])]);
        assert_eq!(select_application(&mut s), Err(CardError::NotHpki));
        assert_eq!(s.sent.len(), 2);
        assert_eq!(&s.sent[1][5..21], &AID_SIGN);
    }

    #[test]
    fn sign_application_fallback() {
        let mut s = Script::new(vec![Ok(vec![0x6A, 0x82]), ok(vec![])]);
        assert_eq!(select_application(&mut s), Ok(HpkiApplication::Sign));
    }

    #[test]
    fn certificate_read_in_chunks() {
        // A fake 600-byte "certificate": 30 82 02 54 + 596 bytes.
        let mut file = vec![0x30, 0x82, 0x02, 0x54];
        file.extend((0..596).map(|i| i as u8));
        let chunks: Vec<_> = file.chunks(255).map(|c| ok(c.to_vec())).collect();
        let mut replies = vec![ok(vec![])];
        replies.extend(chunks);
        let mut s = Script::new(replies);
        let der = read_certificate(&mut s).unwrap();
        assert_eq!(der, file);
        assert_eq!(s.sent.len(), 1 + 3);
        assert_eq!(s.sent[2], vec![0x00, 0xB0, 0x00, 0xFF, 0xFF]);
        assert_eq!(s.sent[3], vec![0x00, 0xB0, 0x01, 0xFE, 90]);
    }

    #[test]
    fn truncated_file_is_malformed() {
        let mut s = Script::new(vec![
            ok(vec![]),
            Ok([vec![0x30, 0x82, 0x02, 0x54, 1, 2, 3], vec![0x62, 0x82]].concat()),
        ]);
        assert!(matches!(
            read_certificate(&mut s),
            Err(CardError::Malformed(_))
        ));
        let mut s = Script::new(vec![
            ok(vec![]),
            ok([vec![0x30, 0x82, 0x02, 0x54], vec![0; 251]].concat()),
            Ok(vec![0x6B, 0x00]),
        ]);
        assert!(matches!(
            read_certificate(&mut s),
            Err(CardError::Malformed(_))
        ));
    }

    #[test]
    fn smaller_le_when_the_card_refuses_0xff() {
        let mut file = vec![0x30, 0x81, 0x9C];
        file.extend((0..0x9C).map(|i| i as u8));
        let mut s = Script::new(vec![
            ok(vec![]),
            Ok(vec![0x67, 0x00]),
            ok(file[..0x7F].to_vec()),
            ok(file[0x7F..].to_vec()),
        ]);
        assert_eq!(read_certificate(&mut s).unwrap(), file);
        assert_eq!(s.sent[1][4], 0xFF);
        assert_eq!(s.sent[2][4], 0x7F);
    }

    #[test]
    fn transport_error_propagates() {
        let mut s = Script::new(vec![ok(vec![]), Err(CardError::Removed)]);
        assert_eq!(read_certificate(&mut s), Err(CardError::Removed));
    }

    #[test]
    fn verify_is_always_the_empty_probe() {
        let mut s = Script::new(vec![ok(vec![]), Ok(vec![0x63, 0xCF])]);
        let pin = probe_pin(&mut s).unwrap();
        assert_eq!(pin.tries_left, Some(15));
        assert_eq!(s.sent[1], VERIFY_PROBE.to_vec());
        assert_eq!(s.sent[1].len(), 4);
    }

    proptest! {
        /// Whatever the card answers, the read sequence returns (no panic, no endless loop)
        /// and never sends a VERIFY with data.
        #[test]
        fn arbitrary_responses_never_panic(
            replies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..30)
        ) {
            let mut s = Script::new(replies.into_iter().map(Ok).collect());
            let _ = read_hpki(&mut s, true);
            for apdu in &s.sent {
                if apdu.get(1) == Some(&0x20) {
                    prop_assert_eq!(apdu.len(), 4);
                }
            }
            prop_assert!(s.sent.len() < 200);
        }
    }
}
