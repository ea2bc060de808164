//! Identifiers a format string captures implicitly (`"{x}"`, `"{x:?}"`, `"{:>width$}"`), so that
//! a deferred `println!` captures them at the defer statement like its other arguments.

/// The distinct identifiers `s` captures, in order of first use.
pub fn implicit_captures(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        if is_ident(name) && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if bytes.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => {
                let Some(end) = s[i + 1..].find('}') else {
                    break;
                };
                let spec = &s[i + 1..i + 1 + end];
                let (arg, format) = match spec.find(':') {
                    Some(c) => (&spec[..c], &spec[c + 1..]),
                    None => (spec, ""),
                };
                push(arg.trim());
                // `width$` and `.precision$` may name arguments too.
                for part in format.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')) {
                    if let Some(name) = part.strip_suffix('$') {
                        push(name);
                    }
                }
                i += end + 2;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    s != "_" && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::implicit_captures;

    #[test]
    fn finds_names_widths_and_precisions() {
        assert_eq!(implicit_captures("{x} {} {0} {y:?} {{z}}"), ["x", "y"]);
        assert_eq!(
            implicit_captures("{:>w$} {:.p$} {v:w$.p$}"),
            ["w", "p", "v"]
        );
        assert_eq!(implicit_captures("{x}{x}"), ["x"]);
        assert!(implicit_captures("plain").is_empty());
    }
}
