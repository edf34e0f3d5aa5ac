//! One input read once and handed to several readers running on their own threads, so that
//! two passes over a file (validating it, translating it) run side by side on two cores, and
//! standard input, which cannot be read twice, works like a file.
//!
//! Memory is bounded: each reader's queue holds a few chunks, and the tee waits when a
//! reader falls behind.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Bytes per chunk: large enough that the hand-over costs nothing next to parsing it.
const CHUNK: usize = 256 * 1024;
/// Chunks a reader may be behind before the tee waits for it.
const QUEUE: usize = 8;

type Chunk = io::Result<Arc<Vec<u8>>>;

/// A reader fed by [`tee`].
pub struct TeeReader {
    chunks: Receiver<Chunk>,
    current: Arc<Vec<u8>>,
    at: usize,
}

impl Read for TeeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.chunks.recv() {
                Ok(Ok(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                // The tee is done: the end of the input.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// `N` readers of the same input, and the pump that feeds them: run `pump` on a thread of
/// its own. A reader dropped early (its consumer stopped) no longer holds the others up.
pub fn tee<const N: usize>(input: impl Read) -> ([TeeReader; N], Pump<impl Read>) {
    let mut senders = Vec::with_capacity(N);
    let readers = std::array::from_fn(|_| {
        let (tx, rx) = sync_channel(QUEUE);
        senders.push(tx);
        TeeReader {
            chunks: rx,
            current: Arc::new(Vec::new()),
            at: 0,
        }
    });
    (readers, Pump { input, senders })
}

/// Reads the input and hands each chunk to every reader still listening.
pub struct Pump<R> {
    input: R,
    senders: Vec<SyncSender<Chunk>>,
}

impl<R: Read> Pump<R> {
    pub fn run(mut self) {
        loop {
            // Filled as read, never zeroed first.
            let mut chunk = Vec::with_capacity(CHUNK);
            let filled = match (&mut self.input).take(CHUNK as u64).read_to_end(&mut chunk) {
                Ok(n) => n,
                Err(e) => {
                    for tx in &self.senders {
                        let _ = tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                    }
                    return;
                }
            };
            if filled == 0 {
                return;
            }
            let chunk = Arc::new(chunk);
            self.senders
                .retain(|tx| tx.send(Ok(Arc::clone(&chunk))).is_ok());
            if self.senders.is_empty() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reader_gets_every_byte_in_order() {
        let input: Vec<u8> = (0..CHUNK * 3 + 17).map(|i| (i % 251) as u8).collect();
        let ([mut a, mut b], pump) = tee::<2>(&input[..]);
        let (got_a, got_b) = std::thread::scope(|s| {
            s.spawn(move || pump.run());
            let a = s.spawn(move || {
                let mut v = Vec::new();
                a.read_to_end(&mut v).unwrap();
                v
            });
            let mut v = Vec::new();
            b.read_to_end(&mut v).unwrap();
            (a.join().unwrap(), v)
        });
        assert_eq!(got_a, input);
        assert_eq!(got_b, input);
    }

    #[test]
    fn a_reader_that_stops_early_holds_no_one_up() {
        let input = vec![7u8; CHUNK * (QUEUE + 4)];
        let ([a, mut b], pump) = tee::<2>(&input[..]);
        drop(a);
        let got = std::thread::scope(|s| {
            s.spawn(move || pump.run());
            let mut v = Vec::new();
            b.read_to_end(&mut v).unwrap();
            v
        });
        assert_eq!(got.len(), input.len());
    }

    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }

    #[test]
    fn a_read_error_reaches_every_reader() {
        let ([mut a, mut b], pump) = tee::<2>(Failing);
        std::thread::scope(|s| {
            s.spawn(move || pump.run());
            let mut v = Vec::new();
            assert!(
                a.read_to_end(&mut v)
                    .unwrap_err()
                    .to_string()
                    .contains("disk on fire")
            );
            assert!(b.read_to_end(&mut v).is_err());
        });
    }
}
