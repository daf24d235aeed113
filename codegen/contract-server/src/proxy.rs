//! Who the client is behind reverse proxies. A request comes from its TCP peer; when that peer is
//! a proxy the server trusts (inside one of its [`TrustedProxies`] networks), the client is read
//! from the forwarding headers the proxies append, `X-Forwarded-For` and RFC 7239 `Forwarded`
//! (`for=`), walked from the right (the hop nearest the server) past every trusted proxy to the
//! first address that is not one. A peer that is not trusted is the client, whatever its headers
//! say: they are its own words, and believing them would let anyone pick the address its rate
//! limit is counted against.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use axum::http::HeaderMap;
use axum::http::header::FORWARDED;
use ipnet::{IpNet, Ipv4Net};

/// The networks of the reverse proxies whose forwarding headers are believed; none by default.
///
/// Parsed from a comma-separated list of CIDRs or single addresses (`10.0.0.0/8, 127.0.0.1,
/// 2001:db8::/32`). An IPv4-mapped IPv6 peer (`::ffff:10.0.0.1`, a dual-stack listener) is
/// matched as the IPv4 address it maps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// An entry of a trusted-proxy list that is neither an IP address nor a CIDR.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an IP address or a CIDR (such as `10.0.0.0/8` or `2001:db8::/32`)")]
pub struct InvalidCidr {
    /// The entry, as written.
    pub text: String,
}

impl FromStr for TrustedProxies {
    type Err = InvalidCidr;

    fn from_str(list: &str) -> Result<Self, InvalidCidr> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(network)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// One entry: a CIDR (host bits are ignored) or an address (a network of one).
fn network(text: &str) -> Result<IpNet, InvalidCidr> {
    let parsed = if text.contains('/') {
        text.parse::<IpNet>().ok().map(|net| net.trunc())
    } else {
        text.parse::<IpAddr>().ok().map(IpNet::from)
    };
    let net = parsed.ok_or_else(|| InvalidCidr { text: text.to_owned() })?;
    // `::ffff:10.0.0.0/104` is `10.0.0.0/8`: peers are compared in their canonical form.
    Ok(match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(net, IpNet::V4),
            None => net,
        },
        _ => net,
    })
}

/// One hop of a forwarding header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Ip(IpAddr),
    /// `unknown`, an obfuscated identifier (`_hidden`), or a `Forwarded` element without `for`.
    Hidden,
}

impl TrustedProxies {
    /// Whether no proxy is trusted (forwarding headers are never read).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is inside a trusted network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request from `peer` with `headers`.
    ///
    /// An untrusted peer is the client. A trusted one forwarded the request: each forwarding
    /// header present is walked from the right, past trusted addresses, to the first untrusted
    /// one; a hidden hop (`unknown`, `_obfuscated`) stops the walk at the nearest trusted proxy
    /// (the one that knew the hidden client), and so does a chain of trusted proxies only (at its
    /// furthest one). An entry that does not parse, reached in the walk, leaves the peer as the
    /// client. When both `X-Forwarded-For` and `Forwarded` are present they must name the same
    /// client: a proxy appends to one of them and passes the other through as the client wrote
    /// it, and which one cannot be known here, so a disagreement leaves the peer.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let x_forwarded_for = self.walk(peer, &hops(headers, "x-forwarded-for", x_forwarded_for));
        let forwarded = self.walk(peer, &hops(headers, FORWARDED.as_str(), forwarded));
        match (x_forwarded_for, forwarded) {
            (Some(a), Some(b)) if a != b => peer,
            (Some(client), _) | (None, Some(client)) => client,
            (None, None) => peer,
        }
    }

    /// The client a header names (`None` without the header). `None` in `hops` is an entry that
    /// does not parse.
    fn walk(&self, peer: IpAddr, hops: &Option<Vec<Option<Node>>>) -> Option<IpAddr> {
        let hops = hops.as_ref()?;
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            match hop {
                None => return Some(peer),
                Some(Node::Hidden) => return Some(nearest),
                Some(Node::Ip(ip)) if self.contains(*ip) => nearest = *ip,
                Some(Node::Ip(ip)) => return Some(*ip),
            }
        }
        Some(nearest)
    }
}

/// The hops of every `name` header line, in order (`None` without such a header); a line that is
/// not visible ASCII is one entry that does not parse.
fn hops(headers: &HeaderMap, name: &str, parse: fn(&str, &mut Vec<Option<Node>>)) -> Option<Vec<Option<Node>>> {
    let mut lines = headers.get_all(name).iter().peekable();
    lines.peek()?;
    let mut hops = Vec::new();
    for line in lines {
        match line.to_str() {
            Ok(text) => parse(text, &mut hops),
            Err(_) => hops.push(None),
        }
    }
    Some(hops)
}

/// `X-Forwarded-For: client, proxy1, proxy2`: addresses (a port and IPv6 brackets are tolerated),
/// or `unknown`. Empty entries are skipped.
fn x_forwarded_for(line: &str, hops: &mut Vec<Option<Node>>) {
    hops.extend(line.split(',').map(str::trim).filter(|entry| !entry.is_empty()).map(node));
}

/// `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"` (RFC 7239): the `for` node
/// of each element. An element with two `for`, a pair without `=` or an unclosed quote does not
/// parse; empty elements are skipped (the list rule of RFC 9110).
fn forwarded(line: &str, hops: &mut Vec<Option<Node>>) {
    for element in split_outside_quotes(line, ',') {
        let Some(element) = element else {
            hops.push(None);
            continue;
        };
        if element.trim().is_empty() {
            continue;
        }
        let (mut node, mut fors, mut malformed) = (Some(Node::Hidden), 0, false);
        for pair in split_outside_quotes(element, ';') {
            let Some(pair) = pair else {
                malformed = true;
                continue;
            };
            if pair.trim().is_empty() {
                continue;
            }
            let Some((name, value)) = pair.split_once('=') else {
                malformed = true;
                continue;
            };
            if name.trim().eq_ignore_ascii_case("for") {
                node = unquote(value.trim()).as_deref().and_then(self::node);
                fors += 1;
            }
        }
        hops.push(if malformed || fors > 1 { None } else { node });
    }
}

/// `text` split at `separator` where it is not inside a quoted string; `None` for a part with an
/// unclosed quote.
fn split_outside_quotes(text: &str, separator: char) -> Vec<Option<&str>> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (index, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ if c == separator && !quoted => {
                parts.push(Some(&text[start..index]));
                start = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(if quoted { None } else { Some(&text[start..]) });
    parts
}

/// A token, or a quoted string without its quotes and escapes.
fn unquote(value: &str) -> Option<String> {
    let Some(inner) = value.strip_prefix('"') else { return Some(value.to_owned()) };
    let inner = inner.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// A node (RFC 7239 section 6): an address, `[IPv6]`, `unknown` or `_obfuscated`, with an optional
/// `:port` (digits or `_obfuscated`). A bare IPv6 address is tolerated.
fn node(text: &str) -> Option<Node> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(Node::Ip(ip.to_canonical()));
    }
    let (name, port) = match text.strip_prefix('[') {
        Some(rest) => {
            let (inside, port) = rest.split_once(']')?;
            return (port.is_empty() || port.strip_prefix(':').is_some_and(is_port))
                .then(|| inside.parse::<Ipv6Addr>().ok().map(|ip| Node::Ip(IpAddr::V6(ip).to_canonical())))
                .flatten();
        }
        None => text.split_once(':').map_or((text, None), |(name, port)| (name, Some(port))),
    };
    if port.is_some_and(|port| !is_port(port)) {
        return None;
    }
    if name.eq_ignore_ascii_case("unknown") || is_obfuscated(name) {
        return Some(Node::Hidden);
    }
    name.parse::<Ipv4Addr>().ok().map(|ip| Node::Ip(IpAddr::V4(ip)))
}

fn is_port(port: &str) -> bool {
    (port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok()) || is_obfuscated(port)
}

/// `_` then letters, digits, `.`, `_` or `-`.
fn is_obfuscated(text: &str) -> bool {
    text.strip_prefix('_').is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    })
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    fn proxies(list: &str) -> TrustedProxies {
        list.parse().expect("a list of CIDRs")
    }

    #[test]
    fn lists_of_cidrs_and_addresses_parse_and_bad_entries_are_named() {
        let list = proxies(" 10.0.0.0/8, 127.0.0.1 ,::1, 2001:db8::/32,, 192.168.1.7/16");
        for inside in ["10.255.0.1", "127.0.0.1", "::1", "2001:db8::5", "192.168.200.1", "::ffff:10.1.2.3"] {
            assert!(list.contains(ip(inside)), "{inside}");
        }
        for outside in ["11.0.0.1", "127.0.0.2", "::2", "2001:db9::1", "::ffff:11.0.0.1"] {
            assert!(!list.contains(ip(outside)), "{outside}");
        }
        assert!(proxies("").is_empty() && TrustedProxies::default().is_empty());
        assert!(proxies("::ffff:10.0.0.0/104").contains(ip("10.9.9.9")), "a mapped CIDR is its IPv4 network");
        for bad in ["10.0.0/8", "10.0.0.0/33", "proxy.internal", "10.0.0.1-10.0.0.9", "::1/129"] {
            let error = format!("127.0.0.1, {bad}").parse::<TrustedProxies>().expect_err(bad);
            assert_eq!(error.text, bad);
            assert!(error.to_string().starts_with(&format!("`{bad}` is not an IP address or a CIDR")), "{error}");
        }
    }

    /// Headers a client can send to pick the address its limits are counted against.
    const SPOOFS: &[&[(&str, &str)]] = &[
        &[("x-forwarded-for", "198.51.100.7")],
        &[("x-forwarded-for", "198.51.100.7, 10.0.0.2")],
        &[("x-forwarded-for", "198.51.100.7"), ("x-forwarded-for", "10.0.0.2")],
        &[("forwarded", "for=198.51.100.7;proto=https")],
        &[("forwarded", r#"for="[2001:db8:cafe::17]:4711""#)],
        &[("x-real-ip", "198.51.100.7")],
        &[("x-forwarded-for", "2001:db8::1"), ("forwarded", "for=198.51.100.7"), ("x-real-ip", "192.0.2.1")],
        &[("x-forwarded-for", "unknown, _hidden, garbage, ::ffff:198.51.100.7")],
        &[("true-client-ip", "198.51.100.7"), ("cf-connecting-ip", "198.51.100.7"), ("x-client-ip", "198.51.100.7")],
        &[("x-forwarded-for", "10.0.0.2")],
    ];

    #[test]
    fn untrusted_peers_are_the_client_whatever_their_headers_say() {
        for (list, peer) in
            [("", "127.0.0.1"), ("", "203.0.113.9"), ("10.0.0.0/8", "203.0.113.9"), ("10.0.0.0/8", "::1")]
        {
            let proxies = proxies(list);
            for spoof in SPOOFS {
                assert_eq!(proxies.client(ip(peer), &headers(spoof)), ip(peer), "{list:?} from {peer}: {spoof:?}");
            }
        }
        // A mapped IPv6 peer is reported as its IPv4 address.
        assert_eq!(TrustedProxies::default().client(ip("::ffff:203.0.113.9"), &HeaderMap::new()), ip("203.0.113.9"));
    }

    #[test]
    fn trusted_chains_resolve_to_the_first_untrusted_hop_from_the_right() {
        let proxies = proxies("10.0.0.0/8, 2001:db8:ffff::/48");
        let peer = ip("10.0.0.1");
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[], "10.0.0.1"),
            (&[("x-forwarded-for", "198.51.100.7")], "198.51.100.7"),
            // What the client wrote on the left is passed over: the proxy appended its peer.
            (&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")], "198.51.100.7"),
            (&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.7")], "198.51.100.7"),
            (&[("x-forwarded-for", "10.0.0.3, 10.0.0.2")], "10.0.0.3"),
            (&[("x-forwarded-for", "198.51.100.7:5678")], "198.51.100.7"),
            (&[("x-forwarded-for", "[2001:db8::1]:80, 2001:db8:ffff::2")], "2001:db8::1"),
            (&[("x-forwarded-for", "::ffff:198.51.100.7")], "198.51.100.7"),
            (&[("x-forwarded-for", "unknown")], "10.0.0.1"),
            (&[("x-forwarded-for", "")], "10.0.0.1"),
            (
                &[("forwarded", r#"for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711""#)],
                "2001:db8:cafe::17",
            ),
            (&[("forwarded", r#"For="198.51.100.7:80", for=10.0.0.2"#)], "198.51.100.7"),
            (
                &[("forwarded", "for=198.51.100.7"), ("forwarded", "for=\"_hidden\";by=_proxy, for=10.0.0.2")],
                "10.0.0.2",
            ),
            (&[("forwarded", "for=unknown")], "10.0.0.1"),
            (&[("forwarded", "proto=https")], "10.0.0.1"),
            (&[("forwarded", r#"for="198.51.100.7";host="a,b;c", , for=10.0.0.2"#)], "198.51.100.7"),
            (&[("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=198.51.100.7")], "198.51.100.7"),
            // Entries that do not parse, reached in the walk: the peer.
            (&[("x-forwarded-for", "198.51.100.7, garbage")], "10.0.0.1"),
            (&[("x-forwarded-for", "198.51.100.7, 10.0.0.2:99999")], "10.0.0.1"),
            (&[("forwarded", r#"for="[2001:db8::1"#)], "10.0.0.1"),
            (&[("forwarded", "for=198.51.100.7;for=198.51.100.8")], "10.0.0.1"),
            (&[("forwarded", "for=2001:db8::1:80x")], "10.0.0.1"),
            (&[("forwarded", "198.51.100.7")], "10.0.0.1"),
            // Beyond an entry that parses, the client's own text is not read.
            (&[("x-forwarded-for", "garbage, 198.51.100.7")], "198.51.100.7"),
            // The two headers name different clients: neither is believed.
            (&[("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=192.0.2.1")], "10.0.0.1"),
        ];
        for (pairs, want) in cases {
            assert_eq!(proxies.client(peer, &headers(pairs)), ip(want), "{pairs:?}");
        }
        let bytes = HeaderValue::from_bytes(b"198.51.100.7, \xff").expect("opaque bytes");
        let mut opaque = HeaderMap::new();
        opaque.insert("x-forwarded-for", bytes);
        assert_eq!(proxies.client(peer, &opaque), peer, "a header that is not text");
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_networks() {
        let proxies = proxies("127.0.0.1/32");
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(proxies.client(ip("::ffff:127.0.0.1"), &forwarded), ip("198.51.100.7"));
        assert_eq!(proxies.client(ip("::ffff:127.0.0.2"), &forwarded), ip("127.0.0.2"));
        assert_eq!(proxies.client(ip("::1"), &forwarded), ip("::1"), "::1 is not 127.0.0.1");
    }
}
