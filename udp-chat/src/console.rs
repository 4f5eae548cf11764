//! The keyboard and the screen, shared by both sides: Python's `input()`
//! and `print()`, with the chat's rules for what may be sent.

use std::io::{self, BufRead, Write};

/// The word that ends the chat, from either side.
pub const GOODBYE: &[u8] = b"88";
/// The peer reads with recvfrom(1024): the rest of a longer datagram would be
/// lost, so a longer line is not sent.
pub const MAX_MESSAGE: usize = 1024;

/// `input('请输入:')`: prints the prompt, reads one line and returns it
/// without its newline. End of input acts as typing `88`. An empty line is
/// asked again, as in tcp-chat (an empty datagram would reach the peer as a
/// message with nothing in it), and so is an over-long line.
pub fn input(role: &str, prompt: &str) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let mut stdout = io::stdout().lock();
        // The prompt has no newline, so it must be flushed to be seen.
        write!(stdout, "{prompt}").and_then(|()| stdout.flush()).map_err(console)?;
        line.clear();
        if io::stdin().lock().read_until(b'\n', &mut line).map_err(console)? == 0 {
            eprintln!("udp-chat {role}: end of input, saying 88");
            return Ok(GOODBYE.to_vec());
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        match text.len() {
            0 => continue,
            n if n > MAX_MESSAGE => {
                eprintln!(
                    "udp-chat {role}: {n} bytes is too long, the peer reads at most {MAX_MESSAGE}: type it again shorter"
                );
            }
            _ => return Ok(text.to_vec()),
        }
    }
}

/// `print('收到客户端消息:', data.decode())`: the received text on a line of
/// its own. One trailing newline is dropped, so a peer such as `nc` that
/// sends one shows the same as the Python peer that does not.
pub fn show(from: &str, data: &[u8]) -> io::Result<()> {
    let text = String::from_utf8_lossy(trim_newline(data));
    writeln!(io::stdout().lock(), "收到{from}消息: {text}").map_err(console)
}

/// Whether a received message is `88`, the goodbye.
pub fn is_goodbye(data: &[u8]) -> bool {
    trim_newline(data) == GOODBYE
}

fn trim_newline(data: &[u8]) -> &[u8] {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    data.strip_suffix(b"\r").unwrap_or(data)
}

/// A failed read of the keyboard or write to the screen (a closed pipe).
fn console(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot use the console (stdin/stdout): {e}"))
}
