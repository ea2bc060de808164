//! Redirects the exits of a frame's body into its result slot.
//!
//! The lowered body runs in closures (the scopes that catch panics), so an exit stores the value
//! and leaves its closure; the enclosing scopes then run their deferred calls.
//!
//! ```text
//! // Input:                      // Output:
//! return x;                      return __godefer_frame.set_result(x);
//! let n = s.parse::<u32>()?;     let n = match Branch::branch(s.parse::<u32>()) {
//!                                    Continue(v) => v,
//!                                    Break(r) => return __godefer_frame.set_result(
//!                                        FromResidual::from_residual(r)),
//!                                };
//! ```
//!
//! Recursion: everything except closures and async blocks (their `return` and `?` are their
//! own) and items. Macro arguments that parse as comma-separated expressions are rewritten too
//! (`println!("{}", x?)`), but to a `break` out of the scope's body, labelled
//! [`BODY_LABEL`], instead of a `return`: a macro may put its arguments anywhere, in a closure
//! or a function of its own (`macro_rules! later { ($e:expr) => { || $e } }`), and only the
//! compiler can tell. A label cannot be reached through a closure, an async block or an item,
//! so such a `return` or `?` is a compile error at the user's token (E0767, "use of unreachable
//! label") rather than a store of the function's result from wherever the closure is called.
//! The value goes through a local of the scope, never through the frame, whose name must not
//! reach a macro (see `Exits::leave`).

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Macro, Token};

pub struct Exits {
    /// `return`s and `?`s found: the exit points of the frame, with the end of the body.
    pub count: usize,
    /// Inside the arguments of a macro call: exits become `break`s to [`BODY_LABEL`].
    pub in_macro: usize,
    /// Exits rewritten inside macro arguments: the scopes' bodies then carry the label.
    pub in_macros: usize,
}

/// The label of every scope's body when an exit was rewritten inside a macro's arguments. Its
/// name is what the user reads if the macro moved the exit out of the body's own control flow.
pub const BODY_LABEL: &str = "'__godefer_exit_of_the_function";

/// The scopes' label, with mixed-site hygiene (a user's label of the same name is another
/// label), located at `at`.
pub fn body_label(at: Span) -> syn::Lifetime {
    syn::Lifetime::new(BODY_LABEL, Span::mixed_site().located_at(at))
}

/// The frame, named with mixed-site hygiene but located at `at`, so errors point there.
fn frame(at: Span) -> TokenStream {
    let f = syn::Ident::new("__godefer_frame", Span::mixed_site().located_at(at));
    quote!(#f)
}

impl Exits {
    /// Leaves the scope's body with `value` as the result: `return` with the result stored,
    /// where the rewriter sees the body's own control flow; inside macro arguments, the value
    /// goes to the scope's exit slot ([`exit_slot`]) and a labelled `break` leaves the body,
    /// whose generated epilogue stores it. Nothing that names the frame goes into a macro's
    /// input: a `macro_rules!` can take apart the tokens it is given, and with the frame's name
    /// it could call the frame's methods from anywhere (found in review).
    fn leave(&mut self, span: Span, value: TokenStream) -> TokenStream {
        if self.in_macro == 0 {
            let frame = frame(span);
            return quote_spanned!(span=> return #frame.set_result(#value));
        }
        self.in_macros += 1;
        let label = body_label(span);
        let slot = exit_slot(span);
        quote_spanned!(span=> {
            #slot = ::core::option::Option::Some(#value);
            break #label
        })
    }
}

/// The local of each labelled scope body that an exit inside macro arguments stores the
/// function's result in (a value, never the frame), located at `at`.
pub fn exit_slot(at: Span) -> syn::Ident {
    syn::Ident::new("__godefer_exit", Span::mixed_site().located_at(at))
}

impl VisitMut for Exits {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::Return(r) => {
                if let Some(e) = &mut r.expr {
                    self.visit_expr_mut(e);
                }
                self.count += 1;
                let span = r.return_token.span;
                let value = match &r.expr {
                    Some(e) => quote!(#e),
                    None => quote_spanned!(span=> ()),
                };
                *expr = Expr::Verbatim(self.leave(span, value));
            }
            Expr::Try(t) => {
                self.visit_expr_mut(&mut t.expr);
                self.count += 1;
                let span = t.question_token.span;
                let inner = &t.expr;
                let at = Span::mixed_site().located_at(span);
                let v = syn::Ident::new("__godefer_value", at);
                let r = syn::Ident::new("__godefer_residual", at);
                let leave = self.leave(
                    span,
                    quote_spanned!(span=> ::godefer::__private::from_residual(#r)),
                );
                *expr = Expr::Verbatim(quote_spanned! {span=>
                    match ::godefer::__private::branch(#inner) {
                        ::godefer::__private::ControlFlow::Continue(#v) => #v,
                        ::godefer::__private::ControlFlow::Break(#r) => { #leave }
                    }
                });
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        if !mentions_exit(mac.tokens.clone()) {
            return;
        }
        let Ok(mut args) =
            Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        else {
            return;
        };
        self.in_macro += 1;
        for arg in args.iter_mut() {
            self.visit_expr_mut(arg);
        }
        self.in_macro -= 1;
        mac.tokens = quote!(#args);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

fn mentions_exit(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Punct(p) => p.as_char() == '?',
        TokenTree::Ident(i) => i == "return",
        TokenTree::Group(g) => mentions_exit(g.stream()),
        TokenTree::Literal(_) => false,
    })
}

/// Whether a frame body certainly returns `()`: no tail expression, or one that is `()` by its
/// syntax, and no `return` with a value (used for closures without a written return type).
pub fn returns_unit(block: &syn::Block) -> bool {
    struct ValueReturn(bool);
    impl syn::visit::Visit<'_> for ValueReturn {
        fn visit_expr_return(&mut self, r: &syn::ExprReturn) {
            if r.expr.is_some() {
                self.0 = true;
            }
        }
        fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
        fn visit_item(&mut self, _: &syn::Item) {}
        fn visit_expr_try(&mut self, _: &syn::ExprTry) {
            self.0 = true;
        }
    }
    let value_tail = match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => !is_unit_by_syntax(e),
        Some(syn::Stmt::Macro(m)) if m.semi_token.is_none() => macro_kind(&m.mac).is_none(),
        _ => false,
    };
    let mut v = ValueReturn(false);
    syn::visit::Visit::visit_block(&mut v, block);
    !value_tail && !v.0
}

/// Expressions whose type is `()` by their syntax, or that diverge: `if` without `else`, loops,
/// `()`, assignments, unit macros (`println!`, `assert!`...), diverging macros and calls
/// (`panic!`, `panic_any(..)`, `return`...), and `if`/`else`, `match` and blocks whose every
/// branch is one of those.
fn is_unit_by_syntax(e: &syn::Expr) -> bool {
    // A tail that diverges gives a closure that returns no value elsewhere the result `()`
    // (never-type fallback).
    unit_or_diverging(e).is_some()
}

/// `Some(true)`: unit; `Some(false)`: diverges (any type, `!`); `None`: unknown.
fn unit_or_diverging(e: &syn::Expr) -> Option<bool> {
    use syn::Expr;
    let both = |a: Option<bool>, b: Option<bool>| match (a?, b?) {
        (false, false) => Some(false),
        _ => Some(true),
    };
    match e {
        Expr::If(i) => match &i.else_branch {
            None => Some(true),
            Some((_, els)) => both(block_kind(&i.then_branch), unit_or_diverging(els)),
        },
        Expr::Match(m) => m
            .arms
            .iter()
            .map(|arm| unit_or_diverging(&arm.body))
            .try_fold(Some(false), |acc, k| Some(both(acc, k)))
            .flatten()
            .or(if m.arms.is_empty() { Some(false) } else { None }),
        Expr::Block(b) => block_kind(&b.block),
        Expr::ForLoop(_) | Expr::While(_) | Expr::Assign(_) => Some(true),
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => Some(false),
        Expr::Binary(b) => matches!(
            b.op,
            syn::BinOp::AddAssign(_)
                | syn::BinOp::SubAssign(_)
                | syn::BinOp::MulAssign(_)
                | syn::BinOp::DivAssign(_)
                | syn::BinOp::RemAssign(_)
                | syn::BinOp::BitXorAssign(_)
                | syn::BinOp::BitAndAssign(_)
                | syn::BinOp::BitOrAssign(_)
                | syn::BinOp::ShlAssign(_)
                | syn::BinOp::ShrAssign(_)
        )
        .then_some(true),
        Expr::Tuple(t) => t.elems.is_empty().then_some(true),
        Expr::Paren(p) => unit_or_diverging(&p.expr),
        Expr::Macro(m) => macro_kind(&m.mac),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let name = p.path.segments.last()?.ident.to_string();
                matches!(
                    name.as_str(),
                    "panic_any" | "resume_unwind" | "exit" | "abort"
                )
                .then_some(false)
            }
            _ => None,
        },
        _ => None,
    }
}

fn block_kind(block: &syn::Block) -> Option<bool> {
    match block.stmts.last() {
        None => Some(true),
        Some(syn::Stmt::Expr(e, None)) => unit_or_diverging(e),
        Some(syn::Stmt::Macro(m)) if m.semi_token.is_none() => macro_kind(&m.mac),
        Some(_) => Some(true),
    }
}

fn macro_kind(mac: &syn::Macro) -> Option<bool> {
    let name = mac.path.segments.last()?.ident.to_string();
    match name.as_str() {
        "println" | "print" | "eprintln" | "eprint" | "assert" | "assert_eq" | "assert_ne"
        | "debug_assert" | "debug_assert_eq" | "debug_assert_ne" | "defer" => Some(true),
        "panic" | "unreachable" | "todo" | "unimplemented" => Some(false),
        _ => None,
    }
}
