//! A streaming JSON reader for saved scans: bytes in, tokens out, with the
//! line and column of each for error messages. Strings come out as raw
//! bytes (an export's names need not be UTF-8), nothing is held but a
//! buffer, and skipping a value of any nesting uses a heap stack, never
//! recursion.

use std::io::{self, Read};

/// What went wrong, and where (1-based line and column).
#[derive(Debug)]
pub struct Fault {
    pub line: u64,
    pub column: u64,
    pub what: String,
}

/// A place in the file, kept to name it in a fault found later.
#[derive(Clone, Copy, Debug)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl Position {
    pub fn fault(self, what: impl Into<String>) -> Fault {
        Fault {
            line: self.line,
            column: self.column,
            what: what.into(),
        }
    }
}

/// How much is read from the file at a time.
const CHUNK: usize = 256 * 1024;

pub struct Lexer<R: Read> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Bytes consumed before `buf[0]`.
    base: u64,
    line: u64,
    /// Offset of the first byte of the current line.
    line_start: u64,
    eof: bool,
}

/// The result of most lexer calls.
pub type Lexed<T> = Result<T, Fault>;

impl<R: Read> Lexer<R> {
    pub fn new(input: R) -> Self {
        Self::with_chunk(input, CHUNK)
    }

    /// A lexer reading `chunk` bytes at a time: less than the default
    /// where many files are read at once (the parts of a merge).
    pub fn with_chunk(input: R, chunk: usize) -> Self {
        Lexer {
            input,
            buf: vec![0; chunk.max(4096)],
            pos: 0,
            end: 0,
            base: 0,
            line: 1,
            line_start: 0,
            eof: false,
        }
    }

    /// A fault at the current position.
    pub fn fault<T>(&self, what: impl Into<String>) -> Lexed<T> {
        let offset = self.base + self.pos as u64;
        Err(Fault {
            line: self.line,
            column: offset - self.line_start + 1,
            what: what.into(),
        })
    }

    fn fill(&mut self) -> Lexed<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            match self.input.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(libc::EIO);
                    return self.fault(format!("read error: {}", crate::message::strerror(errno)));
                }
            }
        }
    }

    /// The next byte, without taking it; None at the end.
    fn peek_byte(&mut self) -> Lexed<Option<u8>> {
        Ok(if self.fill()? {
            Some(self.buf[self.pos])
        } else {
            None
        })
    }

    fn bump(&mut self) {
        if self.buf[self.pos] == b'\n' {
            self.line += 1;
            self.line_start = self.base + self.pos as u64 + 1;
        }
        self.pos += 1;
    }

    /// The next byte that is not white space, without taking it.
    pub fn peek(&mut self) -> Lexed<Option<u8>> {
        loop {
            match self.peek_byte()? {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.bump(),
                other => return Ok(other),
            }
        }
    }

    /// Takes `byte` (after white space), or fails saying `what` was
    /// expected.
    pub fn expect(&mut self, byte: u8, what: &str) -> Lexed<()> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.bump();
                Ok(())
            }
            Some(_) => self.fault(format!("expected {what}")),
            None => self.fault(format!("expected {what}, found the end of the file")),
        }
    }

    /// After a member of an object: true past a ',' (another member
    /// follows), false past its closing '}', a fault naming `place`
    /// otherwise.
    pub fn more_members(&mut self, place: &str) -> Lexed<bool> {
        match self.peek()? {
            Some(b',') => {
                self.take();
                Ok(true)
            }
            Some(b'}') => {
                self.take();
                Ok(false)
            }
            _ => self.fault(format!("expected ',' or '}}' in {place}")),
        }
    }

    /// Takes the byte `peek` returned.
    pub fn take(&mut self) {
        self.bump();
    }

    /// Reads a string (after white space) into `out`, raw bytes as they
    /// are and escapes decoded (`\u` to UTF-8).
    pub fn string(&mut self, out: &mut Vec<u8>) -> Lexed<()> {
        out.clear();
        self.expect(b'"', "a string")?;
        loop {
            if !self.fill()? {
                return self.fault("unterminated string");
            }
            // Copy the run up to the next quote or backslash at once.
            let chunk = &self.buf[self.pos..self.end];
            let run = chunk
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b == b'\n')
                .unwrap_or(chunk.len());
            let ended = run < chunk.len();
            out.extend_from_slice(&chunk[..run]);
            self.pos += run;
            if !ended {
                // The buffer ran out inside the string: read on.
                continue;
            }
            match self.buf[self.pos] {
                b'"' => {
                    self.bump();
                    return Ok(());
                }
                b'\n' => {
                    out.push(b'\n');
                    self.bump();
                }
                _ => {
                    self.bump();
                    self.escape(out)?;
                }
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Lexed<()> {
        let Some(b) = self.peek_byte()? else {
            return self.fault("unterminated string");
        };
        let simple = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => 0,
            _ => return self.fault("expected an escape: one of \" \\ / b f n r t u"),
        };
        self.bump();
        if b != b'u' {
            out.push(simple);
            return Ok(());
        }
        let mut code = self.hex4()?;
        if (0xd800..0xdc00).contains(&code) {
            // A surrogate pair, if the low half follows.
            if self.peek_byte()? == Some(b'\\') {
                self.bump();
                if self.peek_byte()? != Some(b'u') {
                    out.extend_from_slice("\u{fffd}".as_bytes());
                    return self.escape(out);
                }
                self.bump();
                let low = self.hex4()?;
                if (0xdc00..0xe000).contains(&low) {
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                } else {
                    out.extend_from_slice("\u{fffd}".as_bytes());
                    code = low;
                }
            }
        }
        let c = char::from_u32(code).unwrap_or('\u{fffd}');
        let mut utf8 = [0; 4];
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        Ok(())
    }

    fn hex4(&mut self) -> Lexed<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek_byte()? {
                Some(b) => (b as char).to_digit(16),
                None => None,
            };
            let Some(d) = digit else {
                return self.fault("expected four hexadecimal digits after \\u");
            };
            self.bump();
            code = code * 16 + d;
        }
        Ok(code)
    }

    /// Where the next byte that is not white space is, for a fault
    /// found once more has been read.
    pub fn position(&mut self) -> Lexed<Position> {
        let _ = self.peek()?;
        Ok(Position {
            line: self.line,
            column: self.base + self.pos as u64 - self.line_start + 1,
        })
    }

    /// Reads a number's text (after white space), up to 64 bytes.
    fn number_text(&mut self) -> Lexed<([u8; 64], usize)> {
        let _ = self.peek()?;
        let mut text = [0u8; 64];
        let mut len = 0;
        while let Some(b) = self.peek_byte()? {
            if !(b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
                break;
            }
            if len == text.len() {
                return self.fault("number too long");
            }
            text[len] = b;
            len += 1;
            self.bump();
        }
        Ok((text, len))
    }

    /// Reads a whole number from 0 to 2^64-1 (after white space). A
    /// fraction, a negative number or one too large to hold is refused
    /// where it starts, never cut or clamped into another value.
    pub fn number(&mut self) -> Lexed<u64> {
        let at = self.position()?;
        let (text, len) = self.number_text()?;
        let text = std::str::from_utf8(&text[..len]).unwrap_or_default();
        if let Ok(n) = text.parse::<u64>() {
            return Ok(n);
        }
        let what = match text.parse::<f64>() {
            Err(_) => "expected a number".to_string(),
            Ok(f) if f < 0.0 => {
                format!("{text}: a negative number where a size or count belongs")
            }
            // 2^64 is the first whole number a u64 cannot hold.
            Ok(f) if f >= 18_446_744_073_709_551_616.0 => {
                format!("{text}: too large to hold (the largest is 2^64-1)")
            }
            Ok(f) if f.fract() != 0.0 => format!("{text}: expected a whole number"),
            Ok(f) => return Ok(f as u64),
        };
        Err(at.fault(what))
    }

    /// Reads a whole number that may be negative (a time before 1970).
    pub fn signed(&mut self) -> Lexed<i64> {
        let at = self.position()?;
        let (text, len) = self.number_text()?;
        let text = std::str::from_utf8(&text[..len]).unwrap_or_default();
        text.parse::<i64>()
            .map_err(|_| at.fault(format!("{text}: expected a whole number of seconds")))
    }

    /// Skips a number of any size or form.
    fn skip_number(&mut self) -> Lexed<()> {
        let at = self.position()?;
        let (text, len) = self.number_text()?;
        match std::str::from_utf8(&text[..len]).map(str::parse::<f64>) {
            Ok(Ok(_)) => Ok(()),
            _ => Err(at.fault("expected a number")),
        }
    }

    /// Reads `true`, `false` or `null` (as false).
    pub fn boolean(&mut self) -> Lexed<bool> {
        match self.peek()? {
            Some(b't') => self.word(b"true").map(|()| true),
            Some(b'f') => self.word(b"false").map(|()| false),
            Some(b'n') => self.word(b"null").map(|()| false),
            _ => self.fault("expected true or false"),
        }
    }

    fn word(&mut self, word: &[u8]) -> Lexed<()> {
        for &w in word {
            if self.peek_byte()? != Some(w) {
                return self.fault(format!("expected {}", String::from_utf8_lossy(word)));
            }
            self.bump();
        }
        Ok(())
    }

    /// Skips one value of any kind and nesting.
    pub fn skip_value(&mut self) -> Lexed<()> {
        let mut open: Vec<u8> = Vec::new();
        let mut scratch = Vec::new();
        loop {
            // A value.
            match self.peek()? {
                Some(b'{') => {
                    self.bump();
                    open.push(b'}');
                    if self.peek()? == Some(b'}') {
                        self.bump();
                        open.pop();
                    } else {
                        self.string(&mut scratch)?;
                        self.expect(b':', "':' after a key")?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.bump();
                    open.push(b']');
                    if self.peek()? == Some(b']') {
                        self.bump();
                        open.pop();
                    } else {
                        continue;
                    }
                }
                Some(b'"') => self.string(&mut scratch)?,
                Some(b't' | b'f' | b'n') => {
                    self.boolean()?;
                }
                Some(b'-' | b'0'..=b'9') => self.skip_number()?,
                Some(_) => return self.fault("expected a value"),
                None => return self.fault("expected a value, found the end of the file"),
            }
            // What follows it, closing containers as they end.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                match self.peek()? {
                    Some(b',') => {
                        self.bump();
                        if close == b'}' {
                            self.string(&mut scratch)?;
                            self.expect(b':', "':' after a key")?;
                        }
                        break;
                    }
                    Some(b) if b == close => {
                        self.bump();
                        open.pop();
                    }
                    _ if close == b'}' => return self.fault("expected ',' or '}'"),
                    _ => return self.fault("expected ',' or ']'"),
                }
            }
        }
    }
}
