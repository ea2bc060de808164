//! The attribute's arguments: `#[godefer::func]`, `#[godefer::func(strategy = "heap")]`,
//! `#[godefer::func(zero = Err(MyError::Panicked))]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, LitStr, Token};

use crate::plan::Strategy;

#[derive(Default)]
pub struct Args {
    /// A strategy the user forced, with the span of its value.
    pub strategy: Option<(Strategy, Span)>,
    /// The zero value of the return type, evaluated when needed.
    pub zero: Option<Expr>,
}

const VALID: &str =
    "expected `strategy = \"open-coded\" | \"frame\" | \"heap\"` or `zero = <expression>`";

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: Ident = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), format!("malformed argument: {VALID}")))?;
            if key == "strategy" {
                if args.strategy.is_some() {
                    return Err(syn::Error::new(key.span(), "duplicate argument `strategy`"));
                }
                expect_eq(
                    input,
                    &key,
                    "strategy = \"open-coded\" | \"frame\" | \"heap\"",
                )?;
                let value: LitStr = input.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "expected a string: `\"open-coded\"`, `\"frame\"` or `\"heap\"`",
                    )
                })?;
                let strategy = match value.value().as_str() {
                    "open-coded" => Strategy::OpenCoded,
                    "frame" => Strategy::Frame,
                    "heap" => Strategy::Heap,
                    other => {
                        return Err(syn::Error::new(
                            value.span(),
                            format!(
                                "unknown strategy `{other}`; expected `\"open-coded\"`, `\"frame\"` or `\"heap\"`"
                            ),
                        ))
                    }
                };
                args.strategy = Some((strategy, value.span()));
            } else if key == "zero" {
                if args.zero.is_some() {
                    return Err(syn::Error::new(key.span(), "duplicate argument `zero`"));
                }
                expect_eq(input, &key, "zero = <expression>")?;
                args.zero = Some(input.parse()?);
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}`; {VALID}"),
                ));
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}

fn expect_eq(input: ParseStream, key: &Ident, form: &str) -> syn::Result<()> {
    input
        .parse::<Token![=]>()
        .map(drop)
        .map_err(|_| syn::Error::new(key.span(), format!("expected `{form}`")))
}

pub fn parse(tokens: TokenStream) -> syn::Result<Args> {
    syn::parse2(tokens)
}
