//! APDU constants and checked exchanges (short APDUs only).
//!
//! Everything here is written against [`Transmit`], so the PC/SC reader, the simulated reader
//! and the unit tests drive exactly the same code.

use super::CardError;

/// Something that sends one command APDU and returns the raw response (data + SW1 SW2).
pub trait Transmit {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError>;
}

impl<T: Transmit + ?Sized> Transmit for &mut T {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
        (**self).transmit(apdu)
    }
}

/// HPKI authentication application (JAHIS HPKI card guideline).
pub const AID_AUTH: [u8; 16] = [
    0xE8, 0x28, 0xBD, 0x08, 0x0F, 0xA0, 0x00, 0x00, 0x03, 0x91, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
];
/// HPKI signing application.
pub const AID_SIGN: [u8; 16] = [
    0xE8, 0x28, 0xBD, 0x08, 0x0F, 0xA0, 0x00, 0x00, 0x03, 0x91, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
];

/// SELECT EF 00 16 (certificate), no response data.
pub const SELECT_CERT_EF: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x16];
/// SELECT EF 00 02 (PIN), no response data.
pub const SELECT_PIN_EF: [u8; 7] = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02];
/// The ONLY VERIFY this program can send: no Lc, no data. It asks for the retry counter
/// without using a try. There is deliberately no function that builds a VERIFY with data.
pub const VERIFY_PROBE: [u8; 4] = [0x00, 0x20, 0x00, 0x88];
/// PC/SC GET DATA: contactless UID (diagnostics only).
pub const GET_UID: [u8; 5] = [0xFF, 0xCA, 0x00, 0x00, 0x00];

/// Largest Le we ask for in one READ BINARY (short APDU).
pub const READ_CHUNK: u8 = 0xFF;

/// Limits against a card that keeps answering `61 xx`.
const MAX_GET_RESPONSE: usize = 64;

/// A checked response: data and status word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Response {
    pub fn is_ok(&self) -> bool {
        self.sw == 0x9000
    }
    pub fn sw1(&self) -> u8 {
        (self.sw >> 8) as u8
    }
    pub fn sw2(&self) -> u8 {
        (self.sw & 0xFF) as u8
    }
}

/// `00 A4 04 00 10 <AID> 00`: SELECT an application by AID.
pub fn select_aid(aid: &[u8; 16]) -> [u8; 22] {
    let mut apdu = [0u8; 22];
    apdu[..5].copy_from_slice(&[0x00, 0xA4, 0x04, 0x00, 0x10]);
    apdu[5..21].copy_from_slice(aid);
    apdu[21] = 0x00;
    apdu
}

/// `00 B0 hi lo Le`: READ BINARY at `offset` (0..=0x7FFF).
pub fn read_binary(offset: u16, le: u8) -> [u8; 5] {
    let [hi, lo] = (offset & 0x7FFF).to_be_bytes();
    [0x00, 0xB0, hi, lo, le]
}

/// Send one APDU and check the response:
/// - shorter than 2 bytes → transport error;
/// - `61 xx` → GET RESPONSE (`00 C0 00 00 xx`) until the data is complete;
/// - `6C xx` → resend the same APDU with Le = xx (once).
pub fn exchange<T: Transmit + ?Sized>(card: &mut T, apdu: &[u8]) -> Result<Response, CardError> {
    let mut resp = split(card.transmit(apdu)?)?;
    if resp.sw1() == 0x6C && apdu.len() >= 5 {
        let mut again = apdu.to_vec();
        if let Some(last) = again.last_mut() {
            *last = resp.sw2();
        }
        resp = split(card.transmit(&again)?)?;
    }
    let mut data = std::mem::take(&mut resp.data);
    let mut rounds = 0;
    while resp.sw1() == 0x61 {
        rounds += 1;
        if rounds > MAX_GET_RESPONSE {
            return Err(CardError::Transport("GET RESPONSE が終わりません".into()));
        }
        let get = [0x00, 0xC0, 0x00, 0x00, resp.sw2()];
        resp = split(card.transmit(&get)?)?;
        data.append(&mut resp.data);
    }
    Ok(Response { data, sw: resp.sw })
}

fn split(mut raw: Vec<u8>) -> Result<Response, CardError> {
    if raw.len() < 2 {
        return Err(CardError::Transport(format!(
            "カードの応答が短すぎます（{} バイト）",
            raw.len()
        )));
    }
    let sw2 = raw.pop().unwrap_or(0);
    let sw1 = raw.pop().unwrap_or(0);
    Ok(Response {
        data: raw,
        sw: u16::from_be_bytes([sw1, sw2]),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// Replays canned responses and records commands.
    pub(crate) struct Script {
        pub sent: Vec<Vec<u8>>,
        pub replies: VecDeque<Result<Vec<u8>, CardError>>,
    }

    impl Script {
        pub(crate) fn new(replies: Vec<Result<Vec<u8>, CardError>>) -> Self {
            Script {
                sent: Vec::new(),
                replies: replies.into(),
            }
        }
    }

    impl Transmit for Script {
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, CardError> {
            self.sent.push(apdu.to_vec());
            self.replies.pop_front().unwrap_or(Ok(vec![0x6F, 0x00]))
        }
    }

    #[test]
    fn select_aid_layout() {
        let apdu = select_aid(&AID_AUTH);
        assert_eq!(&apdu[..5], &[0x00, 0xA4, 0x04, 0x00, 0x10]);
        assert_eq!(&apdu[5..21], &AID_AUTH);
        assert_eq!(apdu[21], 0x00);
        assert_eq!(read_binary(0x0104, 0xFF), [0x00, 0xB0, 0x01, 0x04, 0xFF]);
    }

    #[test]
    fn short_response_is_an_error() {
        let mut s = Script::new(vec![Ok(vec![0x90])]);
        assert!(matches!(
            exchange(&mut s, &GET_UID),
            Err(CardError::Transport(_))
        ));
        let mut s = Script::new(vec![Ok(vec![])]);
        assert!(matches!(
            exchange(&mut s, &GET_UID),
            Err(CardError::Transport(_))
        ));
    }

    #[test]
    fn get_response_is_followed() {
        let mut s = Script::new(vec![
            Ok(vec![0x01, 0x02, 0x61, 0x03]),
            Ok(vec![0x03, 0x04, 0x05, 0x61, 0x01]),
            Ok(vec![0x06, 0x90, 0x00]),
        ]);
        let r = exchange(&mut s, &read_binary(0, 0xFF)).unwrap();
        assert_eq!(r.data, vec![1, 2, 3, 4, 5, 6]);
        assert!(r.is_ok());
        assert_eq!(s.sent[1], vec![0x00, 0xC0, 0x00, 0x00, 0x03]);
        assert_eq!(s.sent[2], vec![0x00, 0xC0, 0x00, 0x00, 0x01]);
    }

    #[test]
    fn wrong_le_is_resent() {
        let mut s = Script::new(vec![Ok(vec![0x6C, 0x10]), Ok(vec![0xAA; 0x12])]);
        let mut second = vec![0xAA; 0x10];
        second.extend_from_slice(&[0x90, 0x00]);
        s.replies[1] = Ok(second);
        let r = exchange(&mut s, &read_binary(0, 0xFF)).unwrap();
        assert_eq!(r.data.len(), 0x10);
        assert_eq!(s.sent[1], vec![0x00, 0xB0, 0x00, 0x00, 0x10]);
    }

    #[test]
    fn endless_get_response_stops() {
        let replies = (0..100).map(|_| Ok(vec![0x61, 0x01])).collect();
        let mut s = Script::new(replies);
        assert!(matches!(
            exchange(&mut s, &GET_UID),
            Err(CardError::Transport(_))
        ));
    }
}
