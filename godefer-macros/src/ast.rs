//! The IR: the `defer!` statements of one frame, parsed into [`Site`]s that keep the user's
//! spans, and the walk that finds them.

use proc_macro2::Span;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{
    AngleBracketedGenericArguments, Block, Expr, ExprClosure, Ident, Macro, MacroDelimiter, Stmt,
    Token,
};

/// One `defer!` statement.
pub struct Site {
    /// The `defer` path of the invocation: where diagnostics about the site point.
    pub span: Span,
    /// `None` if the invocation was malformed (its error is reported; it registers nothing).
    pub form: Option<Form>,
    /// For a malformed invocation whose tokens are an expression: kept, never run, so its
    /// variables do not add `unused` warnings to the error.
    pub unused: Option<Expr>,
    /// `defer!`, `errdefer!` or `okdefer!`.
    pub gate: Gate,
    /// Inside a `loop`, `while` or `for` of its frame.
    pub in_loop: bool,
    /// The index of the frame body's top-level statement holding it; `None` when the site is
    /// that statement (a top-level defer).
    pub nested_in: Option<usize>,
}

/// What a `defer!` defers.
pub enum Form {
    /// `defer!(f(a, b))`, `defer!((expr)(a))`: callee and arguments evaluated at the statement.
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
        /// `defer!(recover())`, which recovers nothing, as in Go.
        is_recover: bool,
        /// The callee is a closure literal without `defer!` of its own (`defer!((|x| ..)(1))`):
        /// Go's function literal, which is itself the deferred function, so `recover` works
        /// in its body and not in a `#[godefer::func]` it calls.
        literal_callee: bool,
    },
    /// `defer!(recv.m(a))`: receiver and arguments evaluated at the statement.
    Method {
        receiver: Box<Expr>,
        method: Ident,
        turbofish: Option<AngleBracketedGenericArguments>,
        args: Vec<Expr>,
    },
    /// `defer!(mac!(args))`: the arguments evaluated at the statement.
    Macro { mac: Macro, args: Vec<Expr> },
    /// `defer!(async { .. })`, `defer!(async move { .. })`, `defer!(async || ..)`,
    /// `defer!(async |ret| ..)`: a future awaited at exit (in an `async fn`).
    Async {
        expr: Box<Expr>,
        /// `async |ret| ..`: an async closure that gets `&mut` the result.
        takes_result: bool,
        /// `async move`: made at the `defer!`, capturing what it names there.
        moved: bool,
    },
    /// `defer!(f(a).await)`, `defer!(recv.m(a).await)`: the call's operands evaluated at the
    /// `defer!`, as for `Call` and `Method`; the call made and awaited at exit.
    Awaited { call: Box<Form> },
    /// `defer!(|| ..)`, `defer!(|ret| ..)`, `defer! { .. }`.
    Closure {
        closure: Box<ExprClosure>,
        takes_result: bool,
        /// The type written on a `|ret: &mut T|` parameter: the closure is called from an
        /// adapter taking `&mut R`, so a wrong type is one error, spanned on it.
        declared: Option<Box<syn::Type>>,
        /// The closure has `defer!` of its own: it is a frame, maybe the recovering one.
        is_frame: bool,
    },
}

impl Form {
    /// The expressions evaluated at the defer statement (a closure form has none: the closure is
    /// created there, its body runs at exit).
    pub fn operands_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Form::Call { callee, args, .. } => std::iter::once(&mut **callee)
                .chain(args.iter_mut())
                .collect(),
            Form::Method { receiver, args, .. } => std::iter::once(&mut **receiver)
                .chain(args.iter_mut())
                .collect(),
            Form::Macro { args, .. } => args.iter_mut().collect(),
            Form::Closure { .. } | Form::Async { .. } => Vec::new(),
            Form::Awaited { call } => call.operands_mut(),
        }
    }

    /// Awaited at exit: only in an `async fn`.
    pub fn is_awaited(&self) -> bool {
        matches!(self, Form::Async { .. } | Form::Awaited { .. })
    }
}

/// When a deferred call registered with a macro runs: `defer!` always, `errdefer!` only if the
/// function is failing at that moment, `okdefer!` only if it is not.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Gate {
    Always,
    OnFailure,
    OnSuccess,
}

/// Which of the three macros an invocation is, if any.
pub fn gate_of(mac: &Macro) -> Option<Gate> {
    if path_is(&mac.path, "defer") {
        Some(Gate::Always)
    } else if path_is(&mac.path, "errdefer") {
        Some(Gate::OnFailure)
    } else if path_is(&mac.path, "okdefer") {
        Some(Gate::OnSuccess)
    } else {
        None
    }
}

/// `defer!`, `errdefer!` or `okdefer!`.
pub fn is_defer_macro(mac: &Macro) -> bool {
    gate_of(mac).is_some()
}

/// `name` or `godefer::name` (optionally with a leading `::`).
pub fn path_is(path: &syn::Path, name: &str) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segs.as_slice() {
        [one] => one == name,
        [krate, one] => krate == "godefer" && one == name,
        _ => false,
    }
}

/// Parses the tokens of a `defer!` invocation. Errors name what is expected.
pub fn parse_form(mac: &Macro) -> syn::Result<Form> {
    if let MacroDelimiter::Brace(_) = mac.delimiter {
        let stmts = Block::parse_within.parse2(mac.tokens.clone())?;
        let body: Expr = syn::parse_quote_spanned! {mac.delimiter.span().join()=> { #(#stmts)* } };
        let closure: ExprClosure = syn::parse_quote_spanned! {mac.path.span()=> || #body };
        return Ok(Form::Closure {
            closure: Box::new(closure),
            takes_result: false,
            declared: None,
            is_frame: false,
        });
    }
    if mac.tokens.is_empty() {
        return Err(syn::Error::new(
            mac.delimiter.span().join(),
            "expected a call, a closure or a block in `defer!`",
        ));
    }
    let expr: Expr = syn::parse2(mac.tokens.clone())?;
    form_of(expr)
}

fn form_of(expr: Expr) -> syn::Result<Form> {
    match expr {
        Expr::Call(call) => {
            let is_recover = matches!(&*call.func, Expr::Path(p) if path_is(&p.path, "recover"));
            let mut callee = &*call.func;
            while let Expr::Paren(p) = callee {
                callee = &p.expr;
            }
            let literal_callee = matches!(callee, Expr::Closure(c) if !has_own_defer_expr(&c.body));
            Ok(Form::Call {
                callee: call.func,
                args: call.args.into_iter().collect(),
                is_recover,
                literal_callee,
            })
        }
        Expr::MethodCall(m) => Ok(Form::Method {
            receiver: m.receiver,
            method: m.method,
            turbofish: m.turbofish,
            args: m.args.into_iter().collect(),
        }),
        Expr::Macro(m) => {
            let args = Punctuated::<Expr, Token![,]>::parse_terminated
                .parse2(m.mac.tokens.clone())
                .map_err(|_| {
                    syn::Error::new(
                        m.mac.delimiter.span().join(),
                        format!(
                            "the arguments of a deferred `{}!` must be comma-separated \
                             expressions, evaluated at the `defer!`; to evaluate them at exit, \
                             write `defer!(|| {}!(...))`",
                            last_ident(&m.mac.path),
                            last_ident(&m.mac.path)
                        ),
                    )
                })?;
            Ok(Form::Macro {
                mac: m.mac,
                args: args.into_iter().collect(),
            })
        }
        Expr::Async(a) => Ok(Form::Async {
            moved: a.capture.is_some(),
            expr: Box::new(Expr::Async(a)),
            takes_result: false,
        }),
        Expr::Await(a) => match *a.base {
            base @ (Expr::Call(_) | Expr::MethodCall(_)) => Ok(Form::Awaited {
                call: Box::new(form_of(base)?),
            }),
            other => Err(syn::Error::new_spanned(
                &other,
                "an awaited deferred call is a call or a method call followed by `.await` \
                 (`defer!(conn.close().await)`), or an `async` block",
            )),
        },
        Expr::Closure(c) if c.asyncness.is_some() => {
            if c.inputs.len() > 1 {
                return Err(syn::Error::new_spanned(
                    &c.inputs,
                    "a deferred closure takes no parameter, or one: `&mut` the function's result",
                ));
            }
            Ok(Form::Async {
                moved: c.capture.is_some(),
                takes_result: c.inputs.len() == 1,
                expr: Box::new(Expr::Closure(c)),
            })
        }
        Expr::Closure(c) => {
            if c.inputs.len() > 1 {
                return Err(syn::Error::new_spanned(
                    &c.inputs,
                    "a deferred closure takes no parameter, or one: `&mut` the function's result",
                ));
            }
            if let Some(syn::Pat::Type(pt)) = c.inputs.first() {
                if !matches!(&*pt.ty, syn::Type::Reference(r) if r.mutability.is_some()) {
                    return Err(syn::Error::new_spanned(
                        &pt.ty,
                        "the parameter of a deferred closure must be `&mut` the function's \
                         result type",
                    ));
                }
            }
            let declared = match c.inputs.first() {
                Some(syn::Pat::Type(pt)) => Some(pt.ty.clone()),
                _ => None,
            };
            Ok(Form::Closure {
                takes_result: c.inputs.len() == 1,
                closure: Box::new(c),
                declared,
                is_frame: false,
            })
        }
        other => Err(syn::Error::new_spanned(
            &other,
            "expression in `defer!` must be a function call, a method call, a macro call, a \
             closure or a block (in an `async fn` also an `async` block or a call with `.await`)",
        )),
    }
}

fn last_ident(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The placeholder left where a nested site was, replaced by its registration at emission.
pub fn placeholder(id: usize) -> Expr {
    let ident = Ident::new(&format!("__godefer_site_{id}"), Span::mixed_site());
    Expr::Verbatim(quote!(#ident))
}

pub fn placeholder_id(expr: &Expr) -> Option<usize> {
    let Expr::Verbatim(tokens) = expr else {
        return None;
    };
    let mut iter = tokens.clone().into_iter();
    let (Some(proc_macro2::TokenTree::Ident(ident)), None) = (iter.next(), iter.next()) else {
        return None;
    };
    ident
        .to_string()
        .strip_prefix("__godefer_site_")?
        .parse()
        .ok()
}

/// Whether a block or expression has a `defer!` of its own frame (not in a closure or item).
pub fn has_own_defer_expr(expr: &Expr) -> bool {
    let mut f = FindDefer(false);
    f.visit_expr(expr);
    f.0
}

/// Whether a block has a `defer!` of its own frame (not in a closure, an async block or an
/// item).
pub fn has_own_defer_block(block: &Block) -> bool {
    let mut f = FindDefer(false);
    f.visit_block(block);
    f.0
}

/// Recursion: everything but closures, async blocks and items (frames of their own).
struct FindDefer(bool);

impl Visit<'_> for FindDefer {
    fn visit_macro(&mut self, m: &Macro) {
        if is_defer_macro(m) {
            self.0 = true;
        }
    }
    fn visit_expr_closure(&mut self, _: &ExprClosure) {}
    fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
    fn visit_item(&mut self, _: &syn::Item) {}
}

/// A `defer!` found in a frame's body, before parsing.
pub struct RawSite {
    pub mac: Macro,
    pub in_loop: bool,
    pub nested_in: Option<usize>,
}

/// Replaces the nested `defer!` sites under one top-level statement with placeholders and
/// collects them. Recursion: everything but closures, items and async blocks (none of which run
/// in this frame); loops, and match guards, which may run more than once, are tracked.
pub struct CollectNested<'a> {
    pub sites: &'a mut Vec<RawSite>,
    pub stmt_index: usize,
    pub loop_depth: usize,
}

impl CollectNested<'_> {
    fn site_for(&mut self, mac: &Macro) -> Expr {
        self.sites.push(RawSite {
            mac: mac.clone(),
            in_loop: self.loop_depth > 0,
            nested_in: Some(self.stmt_index),
        });
        placeholder(self.sites.len() - 1)
    }
}

impl VisitMut for CollectNested<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Macro(m) if is_defer_macro(&m.mac) => {
                let mac = m.mac.clone();
                *expr = self.site_for(&mac);
            }
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                self.loop_depth += 1;
                self.visit_block_mut(&mut f.body);
                self.loop_depth -= 1;
            }
            Expr::While(w) => {
                self.loop_depth += 1;
                self.visit_expr_mut(&mut w.cond);
                self.visit_block_mut(&mut w.body);
                self.loop_depth -= 1;
            }
            Expr::Loop(l) => {
                self.loop_depth += 1;
                self.visit_block_mut(&mut l.body);
                self.loop_depth -= 1;
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    /// A match guard may run more than once for one `match` (once per alternative of an
    /// or-pattern that matches): a `defer!` in it is registered as often, like one in a loop
    /// (found in review: under the frame strategy its one record was linked twice).
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        self.visit_pat_mut(&mut arm.pat);
        if let Some((_, guard)) = &mut arm.guard {
            self.loop_depth += 1;
            self.visit_expr_mut(guard);
            self.loop_depth -= 1;
        }
        self.visit_expr_mut(&mut arm.body);
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt {
            if is_defer_macro(&m.mac) {
                let mac = m.mac.clone();
                let semi = m.semi_token.unwrap_or_default();
                *stmt = Stmt::Expr(self.site_for(&mac), Some(semi));
                return;
            }
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The `defer!` macro of a top-level statement, if the statement is one.
pub fn top_level_defer(stmt: &Stmt) -> Option<&Macro> {
    match stmt {
        Stmt::Macro(m) if is_defer_macro(&m.mac) => Some(&m.mac),
        Stmt::Expr(Expr::Macro(m), _) if is_defer_macro(&m.mac) => Some(&m.mac),
        _ => None,
    }
}
