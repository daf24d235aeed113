//! The reason phrases are `contract`'s table (the mocks of the TypeScript package use it too),
//! checked here against `http`'s.

pub use contract::reason_phrase;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_agree_with_http() {
        // Every status `http` names has the same phrase here, bar the older name of 413 and 422.
        for code in 400..600 {
            let Ok(status) = axum::http::StatusCode::from_u16(code) else { continue };
            let generic = matches!(reason_phrase(code), "Client Error" | "Server Error");
            if let Some(phrase) = status.canonical_reason()
                && !matches!(code, 413 | 422)
                && !generic
            {
                assert_eq!(reason_phrase(code), phrase, "{code}");
            }
        }
    }
}
