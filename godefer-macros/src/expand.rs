//! Emission: the lowered function.
//!
//! ```text
//! // Input:
//! #[godefer::func]
//! fn f(log: &Log) -> u32 {
//!     let a = open("a");
//!     defer!(a.close());
//!     if log.verbose() { defer!(log.flush()); }
//!     work(&a)
//! }
//!
//! // Output (open-coded):
//! fn f(log: &Log) -> u32 {
//!     let __godefer_frame = unsafe { Frame::<u32, _>::new(/* zero of u32 */) }; // contract kept
//!     __godefer_frame.start();                                // outermost frame? armed?
//!     __godefer_frame.nest(|| {
//!         let a = open("a");
//!         let __godefer_r0 = a;                               // receiver, evaluated now
//!         let __godefer_d0 = move || { __godefer_r0.close(); };
//!         #[cfg(not(debug_assertions))]                       // an optimiser hint:
//!         keep_in_memory(&__godefer_d0);                      // calls follow: see `MayCall`
//!         let mut __godefer_s1 = None;                        // nested defer: slot + flag
//!         __godefer_frame.nest(|| {
//!             if log.verbose() {
//!                 let __godefer_r1 = log;
//!                 __godefer_s1 = Some(move || { __godefer_r1.flush(); });
//!             }
//!             __godefer_frame.set_result(work(&a));
//!         });
//!         if let Some(f) = __godefer_s1 { __godefer_frame.run::<1, _>(f) } // 1: `arm::CALL`
//!         __godefer_frame.run::<1, _>(__godefer_d0);
//!     });
//!     __godefer_frame.finish("f")
//! }
//! ```
//!
//! The body is split into nested scopes at each top-level `defer!` (and at each top-level `let`
//! followed by a statement with a nested `defer!`), so every deferred call runs while the locals
//! declared before it are alive, as a `Drop` guard's would: it may borrow them. Each scope after
//! which deferred calls run is a `nest`, which catches a panic; the frame keeps the panic and the
//! enclosing scopes return normally, running their deferred calls, until `finish` raises it again.
//! The frame and heap strategies differ only in where a registration goes: a record local to the
//! frame or a pooled heap record, linked in a list that `run_down_to` pops to the scope's mark.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use std::iter::once;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprClosure, ItemFn, ReturnType, Stmt, Type};

use crate::args::{self, Args};
use crate::ast::{self, CollectNested, Form, RawSite, Site};
use crate::fmt_args;
use crate::plan::{self, Shape, Strategy};
use crate::rewrite::{self, Exits};
use crate::valid;

thread_local! {
    /// Lowering for [`func_async_port`]: yield points between the scopes.
    static PORT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A point where an async port's frame gives way to the executor (once), so that the frame is
/// left and entered again between its scopes and before its deferred calls run, with whatever
/// panic it holds: nothing outside [`func_async_port`].
fn yield_point(is_async: bool) -> TokenStream {
    if is_async && PORT.with(|p| p.get()) {
        quote!(::godefer::__private::Yield::new().await;)
    } else {
        TokenStream::new()
    }
}

/// The conformance suite's mechanical async translation of a sync function: its body lowered as
/// an `async fn`'s, with a yield point between scopes, run to completion by a minimal executor
/// in the sync function (`__private::block_on`), so every port runs its frames as async frames
/// with Go's expected output.
pub fn func_async_port(
    args: TokenStream,
    input: TokenStream,
    at_least: Option<Strategy>,
) -> TokenStream {
    PORT.with(|p| p.set(true));
    let out = func(args, input, at_least);
    PORT.with(|p| p.set(false));
    out
}

/// Entry point of the attribute.
pub fn func(args: TokenStream, input: TokenStream, at_least: Option<Strategy>) -> TokenStream {
    let mut errors = Vec::new();
    let args = args::parse(args).unwrap_or_else(|e| {
        errors.push(e);
        Args::default()
    });
    let mut item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) if looks_like_fn(&input) => {
            // A function that does not parse, usually mid-typing: the compiler's parser reports
            // the error at the user's token when it reads the function, emitted as it came,
            // with its `defer!`s unlowered (operands type-checked where that needs no lowering)
            // rather than left to the `defer!` that errors outside `#[godefer::func]`.
            return unlowered_defers(input);
        }
        Err(_) => {
            let span = input
                .clone()
                .into_iter()
                .next()
                .map_or(Span::call_site(), |t| t.span());
            let e = syn::Error::new(
                span,
                "`#[godefer::func]` applies to functions and methods with a body",
            );
            return quote!(#input)
                .into_iter()
                .chain(e.to_compile_error())
                .collect();
        }
    };
    if let Err(e) = valid::signature(&item.sig) {
        errors.push(e);
        StripDefers.visit_block_mut(&mut item.block);
        let errors = errors.iter().map(syn::Error::to_compile_error);
        return quote!(#(#errors)* #item);
    }
    let ret = match &item.sig.output {
        ReturnType::Default => Ret::Unit,
        ReturnType::Type(_, ty) => Ret::from_type(ty),
    };
    let name = item.sig.ident.to_string();
    let forced = match (args.strategy, at_least) {
        (Some(s), _) => Some(s),
        (None, Some(s)) => Some((s, Span::call_site())),
        (None, None) => None,
    };
    let strict = at_least.is_none();
    let mut ctx = Ctx {
        forced,
        debug: debug_enabled(),
        errors,
        name: name.clone(),
    };
    let block = std::mem::replace(&mut *item.block, empty_block());
    // Tokens, not parsed back into a syntax tree: the lowered body is several times the size
    // of the input, and parsing it again was a good part of the expansion's time.
    let port = PORT.with(|p| p.get());
    // An `async fn` that never awaits (no `.await`, no `async` block or closure, no awaited
    // `defer!`) runs whole within one poll: its frame is a sync one, entered and left in that
    // poll, and its future holds nothing.
    let is_async = (item.sig.asyncness.is_some() && mentions_async(&block)) || port;
    let body = lower_frame(
        block,
        ret,
        args.zero.as_ref(),
        strict,
        is_async,
        &name,
        &mut ctx,
    );
    let body = if port && item.sig.asyncness.is_none() {
        quote!({ ::godefer::__private::block_on(async #body) })
    } else {
        body
    };
    let errors = ctx.errors.iter().map(syn::Error::to_compile_error);
    let ItemFn {
        attrs, vis, sig, ..
    } = &item;
    let out = quote!(#(#errors)* #(#attrs)* #vis #sig #body);
    if debug_wants("expand") {
        eprintln!("{out}");
    }
    out
}

/// Whether the tokens are a function, by their shape: `fn`, a name, then a body last.
fn looks_like_fn(input: &TokenStream) -> bool {
    use proc_macro2::{Delimiter, TokenTree};
    let tokens: Vec<TokenTree> = input.clone().into_iter().collect();
    let has_fn = tokens
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "fn"));
    let body_last =
        matches!(tokens.last(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace);
    has_fn && body_last
}

/// `input` with every `defer!(..)` / `godefer::defer!(..)` turned into
/// `::godefer::__defer_unlowered!(..)`, which type-checks the operands of a call, a method or a
/// block and says nothing about the rest.
fn unlowered_defers(input: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let is_defer = matches!(&tokens[i], TokenTree::Ident(id)
                if id == "defer" || id == "errdefer" || id == "okdefer")
            && matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!')
            && matches!(tokens.get(i + 2), Some(TokenTree::Group(_)));
        if is_defer {
            // Drop a `godefer::` (and `::`) written before it.
            let n = out.len();
            if n >= 3
                && matches!(&out[n - 1], TokenTree::Punct(p) if p.as_char() == ':')
                && matches!(&out[n - 2], TokenTree::Punct(p) if p.as_char() == ':')
                && matches!(&out[n - 3], TokenTree::Ident(id) if id == "godefer")
            {
                out.truncate(n - 3);
                let m = out.len();
                if m >= 2
                    && matches!(&out[m - 1], TokenTree::Punct(p) if p.as_char() == ':')
                    && matches!(&out[m - 2], TokenTree::Punct(p) if p.as_char() == ':')
                {
                    out.truncate(m - 2);
                }
            }
            let TokenTree::Group(g) = &tokens[i + 2] else {
                unreachable!()
            };
            let span = tokens[i].span();
            let inner = unlowered_defers(g.stream());
            // The same delimiter: `defer! { .. }` needs no `;` after it, `defer!(..)` does.
            let call = if g.delimiter() == Delimiter::Brace {
                quote_spanned!(span=> ::godefer::__defer_unlowered! { @block #inner })
            } else {
                quote_spanned!(span=> ::godefer::__defer_unlowered!(#inner))
            };
            out.extend(call);
            i += 3;
            continue;
        }
        match &tokens[i] {
            TokenTree::Group(g) if mentions_defer(g.stream()) => {
                // A rebuilt group has one span for both delimiters: the closing one, where a
                // function being typed usually fails to parse ("expected expression, found `}`").
                let mut group = Group::new(g.delimiter(), unlowered_defers(g.stream()));
                group.set_span(g.span_close());
                out.push(TokenTree::Group(group));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

fn mentions_defer(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "defer",
        proc_macro2::TokenTree::Group(g) => mentions_defer(g.stream()),
        _ => false,
    })
}

fn empty_block() -> Block {
    syn::parse_quote!({})
}

fn debug_enabled() -> bool {
    debug_wants("defer")
}

/// `GODEFER_DEBUG=defer,expand` while compiling: print each defer statement's strategy
/// (`defer`) or the lowered functions (`expand`).
fn debug_wants(what: &str) -> bool {
    std::env::var("GODEFER_DEBUG")
        .map(|v| v.split(',').any(|part| part.trim() == what))
        .unwrap_or(false)
}

/// The return type of a frame, as far as the frame's code may name it.
enum Ret {
    Unit,
    Named(Box<Type>),
    /// `impl Trait`, or a closure whose result type is not written: inferred.
    Inferred,
}

impl Ret {
    fn from_type(ty: &Type) -> Ret {
        if mentions_impl(ty.to_token_stream()) {
            Ret::Inferred
        } else {
            Ret::Named(Box::new(ty.clone()))
        }
    }

    fn tokens(&self) -> TokenStream {
        match self {
            Ret::Unit => quote!(()),
            Ret::Named(ty) => quote!(#ty),
            Ret::Inferred => quote!(_),
        }
    }
}

fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "impl",
        proc_macro2::TokenTree::Group(g) => mentions_impl(g.stream()),
        proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Literal(_) => false,
    })
}

struct Ctx {
    forced: Option<(Strategy, Span)>,
    debug: bool,
    errors: Vec<syn::Error>,
    /// The function's name, for messages.
    name: String,
}

fn frame_ident() -> syn::Ident {
    syn::Ident::new("__godefer_frame", Span::mixed_site())
}

/// The list head of the frame and heap strategies' records: a local of its own, so an
/// open-coded frame carries none.
/// The tuple of the hoisted sites' guards (see `Emit::hoistable`).
fn slots_ident() -> syn::Ident {
    syn::Ident::new("__godefer_slots", Span::mixed_site())
}

/// A reference to it, which the body and the exit closure capture.
fn hoisted_ident() -> syn::Ident {
    syn::Ident::new("__godefer_hoisted", Span::mixed_site())
}

fn head_ident() -> syn::Ident {
    syn::Ident::new("__godefer_head", Span::mixed_site())
}

/// The locals a deferred call's arguments are evaluated into at the `defer!`, and the same
/// names located at the arguments, for the call at exit: a type error there names the
/// argument, not the attribute.
fn arg_locals(id: usize, args: &[&Expr]) -> (Vec<syn::Ident>, Vec<syn::Ident>) {
    let names: Vec<_> = (0..args.len())
        .map(|i| gen(&format!("a{id}_"), i))
        .collect();
    let uses = names
        .iter()
        .zip(args)
        .map(|(n, a)| located(n, a.span()))
        .collect();
    (names, uses)
}

/// `ident` (a generated name, mixed-site) located at `at`, for errors to point there.
fn located(ident: &syn::Ident, at: Span) -> syn::Ident {
    let mut ident = ident.clone();
    ident.set_span(ident.span().located_at(at));
    ident
}

fn gen(prefix: &str, id: usize) -> syn::Ident {
    format_ident!("__godefer_{}{}", prefix, id, span = Span::mixed_site())
}

/// Lowers one frame: a function body or the body of a closure that has `defer!` of its own.
/// Returns the lowered body, braces included.
fn lower_frame(
    block: Block,
    ret: Ret,
    zero: Option<&Expr>,
    strict: bool,
    is_async: bool,
    name: &str,
    ctx: &mut Ctx,
) -> TokenStream {
    let mut block = block;
    // Closures with `defer!` of their own are frames of their own: lower them first.
    LowerClosures { ctx: &mut *ctx }.visit_block_mut(&mut block);

    // Items are visible in the whole block; the scopes below would hide them.
    let (items, mut stmts): (Vec<Stmt>, Vec<Stmt>) = block
        .stmts
        .into_iter()
        .partition(|s| matches!(s, Stmt::Item(_)));
    let ends_in_tail = matches!(stmts.last(), Some(Stmt::Expr(_, None)))
        && stmts.last().and_then(ast::top_level_defer).is_none();
    let mut tail = match ends_in_tail.then(|| stmts.pop()).flatten() {
        Some(Stmt::Expr(e, None)) => Some(e),
        _ => None,
    };

    // Find the sites.
    let mut raw: Vec<RawSite> = Vec::new();
    let mut top_site: Vec<Option<usize>> = vec![None; stmts.len()];
    for (i, stmt) in stmts.iter_mut().enumerate() {
        if let Some(mac) = ast::top_level_defer(stmt) {
            raw.push(RawSite {
                mac: mac.clone(),
                in_loop: false,
                nested_in: None,
            });
            top_site[i] = Some(raw.len() - 1);
        } else {
            CollectNested {
                sites: &mut raw,
                stmt_index: i,
                loop_depth: 0,
            }
            .visit_stmt_mut(stmt);
        }
    }
    if let Some(t) = &mut tail {
        CollectNested {
            sites: &mut raw,
            stmt_index: stmts.len(),
            loop_depth: 0,
        }
        .visit_expr_mut(t);
    }

    // Parse them.
    let mut sites: Vec<Site> = Vec::with_capacity(raw.len());
    for r in raw {
        let span = r.mac.path.span();
        let form = match ast::parse_form(&r.mac) {
            Ok(mut form) => {
                // The operands were macro tokens when the closures of the body were lowered.
                let mut lower = LowerClosures { ctx: &mut *ctx };
                if let Form::Closure {
                    closure, is_frame, ..
                } = &mut form
                {
                    *is_frame = lower_closure(closure, lower.ctx);
                    if !*is_frame {
                        visit_mut::visit_expr_closure_mut(&mut lower, closure);
                    }
                }
                for e in form.operands_mut() {
                    lower.visit_expr_mut(e);
                }
                Some(form)
            }
            Err(e) => {
                ctx.errors.push(e);
                None
            }
        };
        // Parsed again only when the form did not parse: the second parse of every `defer!`
        // was an eighth of the macro's time.
        let unused = match &form {
            None => syn::parse2::<Expr>(r.mac.tokens.clone())
                .ok()
                .filter(|e| !matches!(e, Expr::Closure(_))),
            Some(_) => None,
        };
        let gate = ast::gate_of(&r.mac).unwrap_or(ast::Gate::Always);
        let form = match form {
            Some(Form::Closure {
                takes_result: true, ..
            }) if gate == ast::Gate::OnSuccess => {
                ctx.errors.push(syn::Error::new(
                    span,
                    "`okdefer!` takes no closure with a parameter: it runs only when the result \
                     is no error; to see the result, use `defer!(|ret| ..)`",
                ));
                None
            }
            Some(form) if form.is_awaited() && !is_async => {
                ctx.errors.push(syn::Error::new(
                    span,
                    "an awaited deferred call (`async` or `.await`) needs an `async fn`",
                ));
                None
            }
            Some(Form::Async {
                takes_result: true, ..
            }) if gate != ast::Gate::Always => {
                ctx.errors.push(syn::Error::new(
                    span,
                    "`errdefer!` and `okdefer!` take no async closure with a parameter (yet): \
                     use `defer!(async |ret| ..)` and look at the result",
                ));
                None
            }
            other => other,
        };
        sites.push(Site {
            span,
            form,
            unused,
            gate,
            in_loop: r.in_loop,
            nested_in: r.nested_in,
        });
    }

    // Exits: rewrite `return` and `?`, in the body and in the operands of the sites.
    let mut exits = Exits {
        count: 0,
        in_macro: 0,
        in_macros: 0,
    };
    for stmt in &mut stmts {
        exits.visit_stmt_mut(stmt);
    }
    if let Some(t) = &mut tail {
        exits.visit_expr_mut(t);
    }
    for form in sites.iter_mut().filter_map(|s| s.form.as_mut()) {
        for e in form.operands_mut() {
            exits.visit_expr_mut(e);
        }
    }

    let labelled = exits.in_macros > 0;

    // Plan.
    let shape = Shape {
        defers: sites.len(),
        in_loop: sites.iter().any(|s| s.in_loop),
        exits: exits.count + 1,
    };
    let awaited = sites
        .iter()
        .any(|s| s.form.as_ref().is_some_and(Form::is_awaited));
    let strategy = if awaited {
        // An awaited deferred call is awaited by the code at its scope's end, never by a
        // record's runner: a frame that has one is open-coded, whatever its number of defers.
        if let Some(site) = sites
            .iter()
            .find(|s| s.in_loop && s.form.as_ref().is_some_and(Form::is_awaited))
        {
            ctx.errors.push(syn::Error::new(
                site.span,
                "an awaited deferred call cannot be in a loop or a match guard (yet): it is \
                 awaited by the code at the end of its scope; defer one `async` block that \
                 awaits what the loop collected",
            ));
        } else if let (Some((wanted, span)), true) = (ctx.forced, strict) {
            if wanted != Strategy::OpenCoded {
                ctx.errors.push(syn::Error::new(
                    span,
                    "a function with an awaited deferred call (`async` or `.await`) is \
                     open-coded",
                ));
            }
        }
        Strategy::OpenCoded
    } else {
        plan::choose(&shape, ctx.forced, strict).unwrap_or_else(|e| {
            ctx.errors.push(e);
            plan::choose(&shape, None, false).unwrap_or(Strategy::Heap)
        })
    };
    if ctx.debug {
        for site in &sites {
            report_site(site.span, strategy);
        }
    }

    // Emit.
    let frame = frame_ident();
    let zero_local = syn::Ident::new("__godefer_zero", Span::mixed_site());
    let head = head_ident();
    let head_decl = match strategy {
        Strategy::OpenCoded => quote!(),
        _ => quote!(let #head = ::godefer::__private::Head::new();),
    };
    let ret_tokens = ret.tokens();
    let slot_ty = match &ret {
        Ret::Unit => quote!(::godefer::__private::UnitSlot),
        _ => quote!(::godefer::__private::OptSlot<#ret_tokens>),
    };
    let zero_tokens = match zero {
        Some(z) => quote_spanned!(z.span()=> ::godefer::__private::Zero(|| #z)),
        None => match &ret {
            Ret::Inferred => quote!(::godefer::__private::NoZero::new()),
            _ => quote! {{
                #[allow(unused_imports)]
                use ::godefer::__private::{
                    ByDefault as _, ByErrDefault as _, ByNothing as _, ByOkDefault as _,
                };
                (&&&&::godefer::__private::ZeroProbe::<#ret_tokens>::new()).zero_source()
            }},
        },
    };
    let first_ret_site = sites.iter().find(|s| {
        s.gate == ast::Gate::Always
            && matches!(
                s.form,
                Some(
                    Form::Closure {
                        takes_result: true,
                        ..
                    } | Form::Async {
                        takes_result: true,
                        ..
                    }
                )
            )
    });
    // `errdefer!` and `okdefer!` ask whether the result is an error.
    let outcome_decl = sites.iter().any(|s| s.gate != ast::Gate::Always).then(|| {
        let outcome = outcome_ident();
        match &ret {
            Ret::Named(ty) => quote! {
                let #outcome = {
                    #[allow(unused_imports)]
                    use ::godefer::__private::{ByAnyOutcome as _, ByResult as _};
                    (&&::godefer::__private::OutcomeProbe::<#ty>::new()).outcome()
                };
            },
            _ => quote!(let #outcome = ::godefer::__private::NoOutcome;),
        }
    });
    let zero_tokens = match first_ret_site {
        Some(site) => {
            let span = site.span;
            quote_spanned!(span=> ::godefer::__private::require_zero::<#ret_tokens, _>(#zero_tokens))
        }
        None => zero_tokens,
    };

    let mut emit = Emit {
        strategy,
        is_async,
        ret: ret_tokens.clone(),
        sites: &sites,
        stmts,
        tail,
        top_site,
        levels: 0,
        labelled,
        hoist: is_async && strategy == Strategy::OpenCoded,
        hoisted: Vec::new(),
        hoisted_runs: Vec::new(),
    };
    emit.replace_placeholders();
    emit.plan_hoisting();
    let body_span = emit.span_from(0);
    let (body, guarded) = emit.seq(0, !emit.opens_quietly(0));
    let body = if guarded {
        body
    } else if emit.opens_quietly(0) {
        // Nothing in the outermost scope can panic outside the scopes and runs it makes, which
        // catch their own: it needs no catch of its own.
        body
    } else if is_async && has_await(&body) {
        // The outermost scope of an async frame that awaits is the body itself: `scope`
        // catches its panics (one future and one catch less per call).
        if labelled {
            labelled_scope(&body)
        } else {
            body
        }
    } else {
        nest(&body, labelled, is_async, body_span)
    };
    let label = if name == ctx.name {
        quote!(::core::concat!(::core::module_path!(), "::", #name))
    } else {
        let outer = &ctx.name;
        quote!(::core::concat!(::core::module_path!(), "::", #outer, "::{closure}"))
    };
    if is_async {
        // The hoisted sites' guards, newest first (a tuple drops its fields in order: a
        // cancelled future drops the newest first), reached through one reference (which the
        // body's future and the exit closure capture whole, rather than one per guard).
        let guards = emit.hoisted.iter().rev().map(|&id| {
            let span = sites[id].span;
            quote_spanned!(span=> #frame.cancel_slot())
        });
        let (slots, hoisted) = (slots_ident(), hoisted_ident());
        let first = emit.hoisted.first().map(|&id| sites[id].span);
        let decls = first.map(|span| {
            // Located at the first hoisted `defer!`: an error about what the guards hold across
            // the body's awaits (not `Send`, say) names it.
            let slots = located(&slots, span);
            quote_spanned! {span=>
                let #slots = (#(#guards,)*);
                let #hoisted = &#slots;
            }
        });
        let runs = emit.hoisted_runs.iter().rev();
        // The body's future is awaited for as long as the hoisted guards live: "await occurs
        // here" then points at the first of them.
        let dot_await = match first {
            Some(span) => quote_spanned!(span=> .await),
            None => quote!(.await),
        };
        return quote! {{
            #(#items)*
            #outcome_decl
            // The lowering keeps `AsyncFrame::new`'s contract (see its docs), as for
            // `Frame::new` below.
            let #zero_local = #zero_tokens;
            let #frame: ::godefer::__private::AsyncFrame<#ret_tokens, _, #slot_ty> = unsafe { ::godefer::__private::AsyncFrame::new(#zero_local) };
            #head_decl
            #decls
            #frame.scope(async { #body }, |#frame| { #(#runs)* }, || #label) #dot_await
        }};
    }
    quote! {{
        #(#items)*
        #outcome_decl
        // The lowering keeps `Frame::new`'s contract (see its docs). The `unsafe` block holds no
        // user token: the zero value's expression and the frame's type are outside it. It is
        // written here, in the expansion, rather than in a hidden `macro_rules!` of godefer:
        // such a macro would be callable by safe code, and hand it a frame without `unsafe`.
        // Code written like this expansion has to write `unsafe` itself. (The `unsafe_code`
        // lint does not look at a proc macro's output: a crate that forbids unsafe code can
        // still use `#[godefer::func]`.)
        let #zero_local = #zero_tokens;
        let #frame: ::godefer::__private::Frame<#ret_tokens, _, #slot_ty> = unsafe { ::godefer::__private::Frame::new(#zero_local) };
        #frame.start();
        #head_decl
        #body
        #frame.finish(#label)
    }}
}

/// A scope of the body, in a closure that `catch_unwind` calls. `#[inline(always)]`: the body
/// stays in the function's own machine frame, as it would without the macro, so a panic in it
/// crosses no extra frame on its way to the catch (an extra frame cost the unwinder about 200 ns
/// per panic: measured on the panic_recover benchmark).
///
/// With `labelled`, the body is a block labelled [`rewrite::BODY_LABEL`], which the exits
/// rewritten inside macro arguments break out of.
///
/// The closure's `||` is located at `at`, the scope's first statement: a borrow error about what
/// the scope's code captures then points at the user's code, not at the attribute.
///
/// In an `async fn` (`is_async`), the scope is an `async` block that
/// [`AsyncFrame::nest_async`](../../godefer/__private/struct.AsyncFrame.html) awaits.
///
/// A scope of an `async fn` whose code has no `.await` (often the last ones, and the deferred
/// calls' scopes) is a closure, as in a sync function: it cannot be suspended, so nothing about
/// it needs a future of its own (measured: an `async fn` with one `defer!` and no await went
/// from 3 futures to 1).
fn nest(code: &TokenStream, labelled: bool, is_async: bool, at: Span) -> TokenStream {
    let frame = frame_ident();
    let is_async = is_async && (has_await(code) || PORT.with(|p| p.get()));
    if is_async {
        // The `async` and the `.await` are located at the scope's first statement: an error
        // about what the scope holds across an await points at the user's code.
        let block = quote_spanned!(at=> async);
        let dot_await = quote_spanned!(at=> .await);
        let code = if labelled {
            labelled_scope(code)
        } else {
            code.clone()
        };
        let yp = yield_point(true);
        return quote!(#frame.nest_async(#block { #yp #code }) #dot_await;);
    }
    let scope = scope_closure(code, labelled, at);
    quote!(#frame.nest(#scope);)
}

/// The closure of a sync scope, as [`nest`] gives it to `Frame::nest` (or, with the run after
/// it, to `Frame::nest_run`).
fn scope_closure(code: &TokenStream, labelled: bool, at: Span) -> TokenStream {
    let pipes = quote_spanned!(at=> ||);
    if labelled {
        let code = labelled_scope(code);
        quote!(#[inline(always)] #pipes { #code })
    } else {
        quote!(#[inline(always)] #pipes { #code })
    }
}

/// Whether an operand of a registration leaves nothing alive in its scope once its value is
/// moved into the deferred closure. A whitelist, since the scope's closure keeps to its end
/// whatever it took by value and did not move: literals and variables, and calls, method
/// calls, operators, casts, indexes, tuples, arrays and struct literals of them. Refused,
/// among others: control flow and `?` (a move on one path only), blocks and assignments (a
/// moved variable assigned again), `&` and ranges (a temporary the operand's `let` extends),
/// a field or `*` (a field moved out of a `Box` leaves the rest of it in the closure), `..`
/// in a struct literal, macros and closures.
fn moves_whole(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Paren(p) => moves_whole(&p.expr),
        Expr::Group(g) => moves_whole(&g.expr),
        Expr::Cast(c) => moves_whole(&c.expr),
        Expr::Unary(u) => !matches!(u.op, syn::UnOp::Deref(_)) && moves_whole(&u.expr),
        Expr::Binary(b) => {
            matches!(
                b.op,
                syn::BinOp::Add(_)
                    | syn::BinOp::Sub(_)
                    | syn::BinOp::Mul(_)
                    | syn::BinOp::Div(_)
                    | syn::BinOp::Rem(_)
                    | syn::BinOp::BitXor(_)
                    | syn::BinOp::BitAnd(_)
                    | syn::BinOp::BitOr(_)
                    | syn::BinOp::Shl(_)
                    | syn::BinOp::Shr(_)
                    | syn::BinOp::Eq(_)
                    | syn::BinOp::Lt(_)
                    | syn::BinOp::Le(_)
                    | syn::BinOp::Ne(_)
                    | syn::BinOp::Ge(_)
                    | syn::BinOp::Gt(_)
            ) && moves_whole(&b.left)
                && moves_whole(&b.right)
        }
        Expr::Call(c) => moves_whole(&c.func) && c.args.iter().all(moves_whole),
        Expr::MethodCall(m) => moves_whole(&m.receiver) && m.args.iter().all(moves_whole),
        Expr::Index(x) => moves_whole(&x.expr) && moves_whole(&x.index),
        Expr::Tuple(t) => t.elems.iter().all(moves_whole),
        Expr::Array(a) => a.elems.iter().all(moves_whole),
        Expr::Struct(st) => st.rest.is_none() && st.fields.iter().all(|f| moves_whole(&f.expr)),
        _ => false,
    }
}

/// Whether a body may suspend: it holds `.await` or `async` anywhere.
fn mentions_async(block: &Block) -> bool {
    fn scan(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "await" || i == "async",
            proc_macro2::TokenTree::Group(g) => scan(g.stream()),
            _ => false,
        })
    }
    scan(quote!(#block))
}

/// Whether the tokens hold an `.await` (anywhere, also in a nested `async` block: a scope
/// holding one is made a future, which is always right, only slower).
fn has_await(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "await",
        proc_macro2::TokenTree::Group(g) => has_await(&g.stream()),
        _ => false,
    })
}

/// A scope's code in a block labelled [`rewrite::BODY_LABEL`], storing the value an exit
/// left in the scope's slot.
fn labelled_scope(code: &TokenStream) -> TokenStream {
    let frame = frame_ident();
    let label = rewrite::body_label(Span::call_site());
    let slot = rewrite::exit_slot(Span::call_site());
    let value = syn::Ident::new("__godefer_value", Span::mixed_site());
    quote! {
        #[allow(unused_mut)]
        let mut #slot = ::core::option::Option::None;
        #[allow(unused_labels)]
        #label: { #code }
        #[allow(unreachable_code)]
        if let ::core::option::Option::Some(#value) = #slot {
            #frame.set_result(#value);
        }
    }
}

/// `GODEFER_DEBUG=defer`: Go's `-gcflags=-d=defer`, one line per defer statement.
fn report_site(span: Span, strategy: Strategy) {
    let s = span.unwrap();
    let file = s.file();
    eprintln!(
        "{}:{}:{}: {}",
        file,
        s.line(),
        s.column(),
        strategy.describe()
    );
}

/// Lowers the closures with `defer!` of their own. Recursion: into closures without `defer!`
/// (they may hold closures that have some); not into items.
struct LowerClosures<'a> {
    ctx: &'a mut Ctx,
}

impl VisitMut for LowerClosures<'_> {
    fn visit_expr_closure_mut(&mut self, c: &mut ExprClosure) {
        if !lower_closure(c, self.ctx) {
            visit_mut::visit_expr_closure_mut(self, c);
        }
    }
    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        if !lower_async_block(a, self.ctx) {
            visit_mut::visit_expr_async_mut(self, a);
        }
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Lowers `c` as a frame if it has `defer!` of its own; says whether it did.
fn lower_closure(c: &mut ExprClosure, ctx: &mut Ctx) -> bool {
    if !ast::has_own_defer_expr(&c.body) {
        return false;
    }
    let is_async = c.asyncness.is_some();
    let body = std::mem::replace(&mut *c.body, Expr::Verbatim(TokenStream::new()));
    let block = match body {
        Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => b.block,
        other => syn::parse_quote!({ #other }),
    };
    let ret = match &c.output {
        ReturnType::Type(_, ty) => Ret::from_type(ty),
        ReturnType::Default if rewrite::returns_unit(&block) => Ret::Unit,
        ReturnType::Default => Ret::Inferred,
    };
    let name = format!("{}::{{closure}}", ctx.name);
    *c.body = Expr::Verbatim(lower_frame(block, ret, None, false, is_async, &name, ctx));
    true
}

/// Lowers an `async` block with `defer!` of its own as an async frame (Go's function literal);
/// says whether it did.
fn lower_async_block(a: &mut syn::ExprAsync, ctx: &mut Ctx) -> bool {
    if !ast::has_own_defer_block(&a.block) {
        return false;
    }
    let block = std::mem::replace(&mut a.block, empty_block());
    let ret = if rewrite::returns_unit(&block) {
        Ret::Unit
    } else {
        Ret::Inferred
    };
    let name = format!("{}::{{async block}}", ctx.name);
    let lowered = lower_frame(block, ret, None, false, true, &name, ctx);
    a.block = syn::parse_quote!({ #lowered });
    true
}

/// Replaces every `defer!` with `()`, after an error that stops the lowering, so the error is
/// not followed by one per `defer!`.
struct StripDefers;

impl VisitMut for StripDefers {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e {
            if ast::is_defer_macro(&m.mac) {
                *e = syn::parse_quote!(());
                return;
            }
        }
        visit_mut::visit_expr_mut(self, e);
    }
    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s {
            if ast::is_defer_macro(&m.mac) {
                *s = syn::parse_quote!((););
                return;
            }
        }
        visit_mut::visit_stmt_mut(self, s);
    }
}

/// Whether code may call a function, by its syntax: a call, a method call, a macro, `?`,
/// `.await`, indexing, a `for` loop, or code the lowering already rewrote (a `return`, a nested
/// `defer!`), which it cannot see into. Closures are not entered (defining one calls nothing;
/// calling it is a call). Operators are taken as calling nothing (primitives, as a rule), and so
/// are the drops of locals declared after the `defer!`: a call missed here only leaves the
/// arguments in registers, as before this check existed.
///
/// An open-coded deferred call's closure is kept in memory when the code after its `defer!` may
/// call: its captured arguments then wait on the stack, as Go keeps an open-coded defer's
/// arguments in stack slots, instead of in callee-saved registers. A callee-saved register
/// costs a push and a pop on every call of the function (the same as a store and a load), takes
/// a register from the body, and costs a panic that crosses the frame about 500 instructions
/// in the unwinder, which restores each of them (measured with callgrind on the panic_recover
/// benchmark: 27.8k -> 27.3k instructions per recovered panic at depth 0 with three captured
/// arguments). When nothing is called before the deferred call, its arguments stay in
/// caller-saved registers and memory would only add stores and loads (defer1).
struct MayCall(bool);

impl syn::visit::Visit<'_> for MayCall {
    fn visit_expr(&mut self, e: &Expr) {
        match e {
            Expr::Call(_)
            | Expr::MethodCall(_)
            | Expr::Macro(_)
            | Expr::Try(_)
            | Expr::Await(_)
            | Expr::Index(_)
            | Expr::ForLoop(_)
            | Expr::Verbatim(_) => self.0 = true,
            Expr::Closure(_) => {}
            _ => syn::visit::visit_expr(self, e),
        }
    }
    fn visit_stmt_macro(&mut self, _: &syn::StmtMacro) {
        self.0 = true;
    }
    fn visit_item(&mut self, _: &syn::Item) {}
}

struct Emit<'a> {
    strategy: Strategy,
    /// The frame is an `async fn`'s: scopes are `async` blocks, and the deferred calls
    /// registered at their `defer!` sit in cancellation guards.
    is_async: bool,
    /// The frame returns `()`: falling off the end stores it.
    /// The result type, as the frame's code names it (`_` if inferred).
    ret: TokenStream,
    sites: &'a [Site],
    stmts: Vec<Stmt>,
    tail: Option<Expr>,
    top_site: Vec<Option<usize>>,
    /// Scopes emitted so far (names their marks).
    levels: usize,
    /// The scopes' bodies carry [`rewrite::BODY_LABEL`] (an exit was rewritten inside a macro's
    /// arguments).
    labelled: bool,
    /// Top-level sites may be hoisted (see [`Emit::hoistable`]).
    hoist: bool,
    /// The hoisted sites, in registration order ([`Emit::plan_hoisting`]).
    hoisted: Vec<usize>,
    /// Their runs, in registration order.
    hoisted_runs: Vec<TokenStream>,
}

/// The pieces of one deferred call.
struct Parts {
    /// Statements evaluating the callee, receiver and arguments.
    setup: TokenStream,
    /// The deferred function: a closure over what `setup` evaluated.
    closure: TokenStream,
    /// The value of `arm::EXACT`, `arm::CALL` or `arm::NEVER`, as a literal (see `mode_of`).
    mode: TokenStream,
    kind: Kind,
}

/// What the deferred closure takes, which picks the frame's methods for it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `FnOnce()`.
    Call,
    /// `FnOnce(&mut R)`: `defer!(|ret| ..)`.
    Ret,
    /// `FnOnce(bool, Option<&mut R>)`: `errdefer!` and `okdefer!`, which look at whether the
    /// function is panicking and at its result, if any, before running the user's call.
    Outcome,
    /// A future, awaited at exit: `defer!(async { .. })`, `defer!(f(x).await)`.
    Await,
    /// `AsyncFnOnce(&mut R)`: `defer!(async |ret| ..)`.
    AwaitRet,
}

impl Kind {
    /// `prefix`, this kind's infix (``, `_ret`, `_outcome`), `rest`: `run_stack_ret_down_to`.
    fn name(self, prefix: &str, rest: &str) -> syn::Ident {
        let infix = match self {
            Kind::Call => "",
            Kind::Ret => "_ret",
            Kind::Outcome => "_outcome",
            Kind::Await => "_async",
            Kind::AwaitRet => "_async_ret",
        };
        format_ident!("{}{}{}", prefix, infix, rest)
    }

    /// Run by awaiting: no cancellation guard (an awaited call cannot run once nothing polls).
    fn awaited(self) -> bool {
        matches!(self, Kind::Await | Kind::AwaitRet)
    }

    /// `.await` after the run of this kind's call, if awaited.
    fn dot_await(self) -> TokenStream {
        if self.awaited() {
            quote!(.await)
        } else {
            TokenStream::new()
        }
    }

    /// A closure made into a local, with the signature of its kind (a `|ret|` closure's
    /// parameter type comes from the frame).
    fn typed(self, frame: &syn::Ident, closure: TokenStream, span: Span) -> TokenStream {
        match self {
            Kind::Call | Kind::Await | Kind::AwaitRet => closure,
            Kind::Ret => quote_spanned!(span=> #frame.ret_closure(#closure)),
            Kind::Outcome => quote_spanned!(span=> #frame.outcome_closure(#closure)),
        }
    }
}

impl Emit<'_> {
    fn replace_placeholders(&mut self) {
        let mut stmts = std::mem::take(&mut self.stmts);
        let mut tail = self.tail.take();
        {
            let mut r = Placeholders { emit: self };
            for s in &mut stmts {
                r.visit_stmt_mut(s);
            }
            if let Some(t) = &mut tail {
                r.visit_expr_mut(t);
            }
        }
        self.stmts = stmts;
        self.tail = tail;
    }

    /// Where the code from statement `k` on starts (the tail's span past the last statement).
    fn span_from(&self, k: usize) -> Span {
        match (self.stmts.get(k), &self.tail) {
            (Some(stmt), _) => stmt.span(),
            (None, Some(tail)) => tail.span(),
            (None, None) => Span::call_site(),
        }
    }

    fn is_split(&self, k: usize) -> bool {
        self.top_site[k].is_some()
            || (matches!(self.stmts[k], Stmt::Local(_))
                && self
                    .sites
                    .iter()
                    .any(|s| matches!(s.nested_in, Some(i) if i > k)))
    }

    /// Emits the statements from `from` on. Returns the code and whether it catches its own
    /// panics (it does when it runs deferred calls of its own).
    ///
    /// `in_scope`: the code is the whole body of a scope (a `nest` closure) so far, with no
    /// local of that closure alive before it; the run that ends it may then leave its panic to
    /// that scope's catch ([`Emit::tail_run`]).
    fn seq(&mut self, from: usize, in_scope: bool) -> (TokenStream, bool) {
        let n = self.stmts.len();
        let split = (from..n).find(|&k| self.is_split(k));
        let end = split.unwrap_or(n);
        let last = split.unwrap_or(n);
        let nested: Vec<usize> = (0..self.sites.len())
            .filter(|&id| matches!(self.sites[id].nested_in, Some(i) if i >= from && i <= last))
            .collect();
        let plain = &self.stmts[from..end];
        // Nothing of the user's code before the `defer!` in the same scope: it could leave a
        // local, or a capture it moves on some paths only (or moves and assigns again).
        let in_scope = in_scope && plain.is_empty() && nested.is_empty();
        let frame = frame_ident();
        let mut inner = quote!(#(#plain)*);
        let mut group = split.and_then(|j| self.frame_group(j));
        match split {
            None => {
                // A diverging tail (`panic!(..)`, a `-> !` call) makes the store unreachable.
                // Without a tail (falling off the end of a body returning `()`) there is nothing
                // to store: `finish` returns the zero value `()`.
                if let Some(t) = &self.tail {
                    inner.extend(once(quote! {
                        #[allow(unreachable_code, clippy::diverging_sub_expression)]
                        #frame.set_result(#t);
                    }));
                }
            }
            Some(j) => match self.top_site[j] {
                Some(id) if self.hoisted.contains(&id) => {
                    // No scope of its own: the body's outermost scope (`scope`) catches the
                    // panics of the code after it, and runs it once the body is over.
                    let registration = self.hoisted_site(id);
                    let yp = yield_point(self.is_async);
                    let (cont, _) = self.seq(j + 1, false);
                    inner.extend(once(quote!(#registration #yp #cont)));
                }
                Some(id) if group.is_some() => {
                    let group = group.take().unwrap_or_default();
                    inner.extend(once(self.grouped(id, j, &group)));
                }
                Some(id) => {
                    let keep_in_memory = self.may_call_from(j + 1);
                    let next_quiet = self.opens_quietly(j + 1);
                    let (cont, guarded) = self.seq(j + 1, !next_quiet);
                    let wrap = !(guarded || cont.is_empty() || next_quiet);
                    // A sync scope: its closure, which the run after it may take along
                    // (`Frame::nest_run`).
                    let scope = (wrap && !self.is_async)
                        .then(|| scope_closure(&cont, self.labelled, self.span_from(j + 1)));
                    let cont = if wrap {
                        nest(&cont, self.labelled, self.is_async, self.span_from(j + 1))
                    } else {
                        cont
                    };
                    let yp = yield_point(self.is_async);
                    let cont = quote!(#cont #yp);
                    // Code after the `defer!` that opens quietly shares this scope's closure
                    // (its registration's locals are alive at this run).
                    let tail =
                        in_scope && self.tail_run() && self.registers_straight(id) && !next_quiet;
                    inner.extend(once(self.top_level(id, cont, scope, keep_in_memory, tail)));
                }
                None => {
                    let stmt = &self.stmts[j];
                    inner.extend(once(quote!(#stmt)));
                    // The split is a `let`: alive at the end.
                    let (cont, _) = self.seq(j + 1, false);
                    inner.extend(once(cont));
                }
            },
        }
        if nested.is_empty() {
            return (inner, false);
        }
        let (prologue, epilogue) = self.level(&nested);
        let body = nest(&inner, self.labelled, self.is_async, self.span_from(from));
        let yp = yield_point(self.is_async);
        (quote!(#prologue #body #yp #epilogue), true)
    }

    /// The `defer!`s right after the top-level `defer!` at statement `j` that share its scope
    /// (frame records, sync): as in Go's frame strategy, where records are linked as they
    /// come and run from the list, adjacent `defer!`s need no scope each. Their records are
    /// declared with the first one's, before its scope; they are pushed in it, and run with
    /// the first one's after it, from the list (`run_down_to`): two catches for the group
    /// rather than one or two per `defer!`. Only registrations that keep nothing of the scope
    /// ([`Emit::registers_straight`]: every operand moves whole into the deferred closure, so
    /// no closure borrows a local or temporary of the scope, which its record, declared
    /// before, would outlive), and only records (not a call made at exit). Nothing comes
    /// between them, so no local of the scope is dropped between their runs either.
    fn frame_group(&self, j: usize) -> Option<Vec<usize>> {
        if self.is_async || self.strategy != Strategy::Frame {
            return None;
        }
        let record = |id: usize| {
            !self.hoisted.contains(&id)
                && self.at_exit(id).is_none()
                && self.has_parts(id)
                && !self.kind_of(id).awaited()
        };
        match self.top_site[j] {
            Some(id) if record(id) => {}
            _ => return None,
        }
        let group: Vec<usize> = self.top_site[j + 1..]
            .iter()
            .map_while(|site| site.filter(|&id| record(id) && self.registers_straight(id)))
            .collect();
        (!group.is_empty()).then_some(group)
    }

    /// The top-level `defer!` at statement `j` (site `id`) and the ones of its
    /// [`Emit::frame_group`] (`group`), around the code after them.
    fn grouped(&mut self, id: usize, j: usize, group: &[usize]) -> TokenStream {
        let frame = frame_ident();
        let head = head_ident();
        let mut decls = TokenStream::new();
        let mut pushes = TokenStream::new();
        // `run_own*` of the group's records, oldest first (run newest first, below).
        let mut own = Vec::new();
        for &g in group {
            let Some(Parts {
                setup,
                closure,
                mode,
                kind,
            }) = self.parts(g)
            else {
                continue;
            };
            let r = gen("r", g);
            let span = self.sites[g].span;
            let push = kind.name("push_stack", "");
            let (at_frame, at_r) = (located(&frame, span), located(&r, span));
            let run = kind.name("run_own", "");
            own.push(quote!(#frame.#run(&#head, &#r);));
            decls.extend(once(
                quote!(let #r = ::godefer::__private::StackRecord::NEW;),
            ));
            pushes.extend(once(quote_spanned! {span=>
                #setup
                #at_frame.#push::<#mode, _>(&#head, &#at_r, #closure);
            }));
        }
        let after = j + 1 + group.len();
        let (cont, _) = self.seq(after, false);
        let body = nest(
            &quote!(#pushes #cont),
            self.labelled,
            false,
            self.span_from(j + 1),
        );
        let Some(Parts {
            setup,
            closure,
            mode,
            kind,
        }) = self.parts(id)
        else {
            return body;
        };
        let span = self.sites[id].span;
        let m = gen("m", id);
        let r = gen("r", id);
        let push = kind.name("push_stack", "");
        let at_frame = located(&frame, span);
        let run = kind.name("run_own", "");
        own.reverse();
        own.push(quote!(#frame.#run(&#head, &#r);));
        quote! {
            #setup
            let #m = #frame.mark(&#head);
            let #r = ::godefer::__private::StackRecord::NEW;
            #decls
            #frame.#push::<#mode, _>(&#head, &#r, #closure);
            #body
            #at_frame.run_group(&#head, #m, #[inline(always)] || { #(#own)* });
        }
    }

    /// Whether a run that ends a scope may leave the panic of its deferred call to that
    /// scope's catch rather than catch it itself: in a sync frame, open-coded or with frame
    /// records. The scope's catch, right outside, does what the run's would (see
    /// `Frame::tail_run`): one catch less per such `defer!`. The caller also asks that nothing
    /// of the scope be alive at the run, or the unwind would drop it (where a panicking `Drop`
    /// aborts and a `MutexGuard` poisons its mutex): no user code before the `defer!` in the
    /// scope, a registration whose locals all move into the deferred closure
    /// ([`Emit::registers_straight`]), and no quiet registration after it sharing the scope.
    /// Not with heap records (their runs pop a list in a loop), nor in an `async fn`, whose
    /// scopes may be futures.
    fn tail_run(&self) -> bool {
        !self.is_async && self.strategy != Strategy::Heap
    }

    /// Whether registering site `id` leaves nothing alive in the scope whose end its run is:
    /// a call or method call whose operands each move whole into the deferred closure (or into
    /// the one made at exit: [`moves_whole`]). Not a macro: its arguments go to locals the
    /// expanded macro may not take whole (an argument it ignores stays alive). A closure never
    /// gets here: its registration is quiet, so it opens no scope for its run to end.
    fn registers_straight(&self, id: usize) -> bool {
        match &self.sites[id].form {
            Some(Form::Call { callee, args, .. }) => {
                moves_whole(callee) && args.iter().all(moves_whole)
            }
            Some(Form::Method { receiver, args, .. }) => {
                moves_whole(receiver) && args.iter().all(moves_whole)
            }
            _ => false,
        }
    }

    /// Whether the code emitted for the statements from `from` on can panic only inside the
    /// scopes and runs it makes itself, each of which catches its own panics, so that it needs
    /// no scope around it: a sync frame's statements that start with a top-level `defer!`
    /// (frame or open-coded) whose registration cannot panic ([`Emit::quiet_registration`]).
    /// What comes after it is in a scope of its own, or in none by the same rule; its run
    /// catches. The catch such a scope would make never catches anything (an unoptimised
    /// build pays for it all the same: in the build-cost crate's one-defer function it was one
    /// of three). Not with heap records (taking one from the pool locks a mutex when the
    /// thread's cache is empty), nor in an `async fn`, whose scopes are futures.
    fn opens_quietly(&self, from: usize) -> bool {
        !self.is_async
            && self.strategy != Strategy::Heap
            && from < self.stmts.len()
            && matches!(self.top_site[from], Some(id) if self.quiet_registration(id))
    }

    /// Whether registering site `id` cannot panic: a call of a path whose arguments are
    /// literals, paths or references to paths (evaluating them moves, copies or borrows, and
    /// runs no code: no `Deref`, no arithmetic, which checks overflow, no macro, which could
    /// exit), or a closure (made, not called).
    fn quiet_registration(&self, id: usize) -> bool {
        let quiet = |e: &Expr| match unparen(e) {
            Expr::Lit(_) | Expr::Path(_) => true,
            // A variable's: `&Unit` or `&CONST` of a type with a destructor is a temporary,
            // which the registration's `let` would keep to the end of the enclosing scope
            // rather than of its own.
            Expr::Reference(r) => {
                matches!(unparen(&r.expr), Expr::Path(_)) && variable_place(unparen(&r.expr))
            }
            _ => false,
        };
        match &self.sites[id].form {
            Some(Form::Call { callee, args, .. }) => {
                matches!(unparen(callee), Expr::Path(_)) && args.iter().all(quiet)
            }
            Some(Form::Closure { .. }) => true,
            _ => false,
        }
    }

    /// Whether the statements from `from` on (and the tail) may call a function: see
    /// [`MayCall`].
    fn may_call_from(&self, from: usize) -> bool {
        let mut v = MayCall(false);
        for s in &self.stmts[from..] {
            syn::visit::Visit::visit_stmt(&mut v, s);
        }
        if let Some(t) = &self.tail {
            syn::visit::Visit::visit_expr(&mut v, t);
        }
        v.0
    }

    /// Whether the deferred call of site `id` captures values worth keeping in memory, and
    /// nothing that keeping it there would cost the body: values evaluated at the `defer!`
    /// other than literals (constants are cheaper written into the call than stored and loaded
    /// back: the defer8 benchmark's eight `take1(1)`.. went from 9.7 to 11.7 ns when kept in
    /// memory), and no reference to a local (`f(&x)`, a closure that is not `move`, a macro's
    /// arguments, which are taken by reference): handing the closure's address to the
    /// optimiser's opaque hint would expose that local too, to be stored and reloaded around
    /// every call of the body.
    fn captures_values(&self, id: usize) -> bool {
        let literal = |e: &Expr| match e {
            Expr::Lit(_) => true,
            Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && matches!(&*u.expr, Expr::Lit(_)),
            _ => false,
        };
        let values = |operands: &[&Expr]| {
            !operands.iter().all(|e| literal(e))
                && !operands.iter().any(|e| matches!(e, Expr::Reference(_)))
        };
        match &self.sites[id].form {
            Some(Form::Call { callee, args, .. }) => {
                let mut operands: Vec<&Expr> = args.iter().map(unparen).collect();
                // A path callee is a function item, zero-sized, unless it names a local.
                if !matches!(unparen(callee), Expr::Path(_)) {
                    operands.push(unparen(callee));
                }
                values(&operands)
            }
            Some(Form::Method { receiver, args, .. }) => {
                let operands: Vec<&Expr> = std::iter::once(&**receiver)
                    .chain(args)
                    .map(unparen)
                    .collect();
                values(&operands)
            }
            Some(Form::Closure { closure, .. }) => closure.capture.is_some(),
            Some(Form::Macro { .. } | Form::Async { .. } | Form::Awaited { .. }) | None => false,
        }
    }

    /// Registration and running of a top-level `defer!` around the code after it.
    /// `keep_in_memory`: that code may call functions (see [`MayCall`]).
    /// `tail`: the run ends a scope with nothing of it alive (see [`Emit::tail_run`]).
    fn top_level(
        &mut self,
        id: usize,
        cont: TokenStream,
        scope: Option<TokenStream>,
        keep_in_memory: bool,
        tail: bool,
    ) -> TokenStream {
        let run_prefix = if tail { "tail_run" } else { "run" };
        let frame = frame_ident();
        let head = head_ident();
        if let Some(Parts {
            setup,
            closure,
            mode,
            kind,
        }) = self.at_exit(id)
        {
            // Made where it runs, in every strategy: it borrows the places it names only
            // while it runs (no record holds it across the body, whatever the strategy).
            let span = self.sites[id].span;
            // What it evaluated at the `defer!` (a method's copied receiver and arguments) is
            // kept in memory across the body, as a closure holding them would be.
            let keep = (keep_in_memory && self.captures_values(id)).then(|| {
                let held = self.held_at_exit(id);
                quote!(#(#[cfg(not(debug_assertions))] ::godefer::__private::keep_in_memory(&#held);)*)
            });
            let (closure, run) = (kind.typed(&frame, closure, span), kind.name(run_prefix, ""));
            let at_frame = located(&frame, span);
            let dot_await = kind.dot_await();
            let run = quote_spanned!(span=> #at_frame.#run::<#mode, _>(#closure) #dot_await;);
            let run = self.gate_awaited(id, run);
            return quote! {
                #setup
                #keep
                #cont
                #run
            };
        }
        let Some(p) = self.parts(id) else {
            let unused = self.unused(id);
            return quote!(#unused #cont);
        };
        let Parts {
            setup,
            closure,
            mode,
            kind,
        } = p;
        let span = self.sites[id].span;
        match self.strategy {
            Strategy::OpenCoded if kind.awaited() => {
                let d = gen("d", id);
                let run = kind.name("run", "");
                let (at_frame, at_d) = (located(&frame, span), located(&d, span));
                let run = quote_spanned!(span=> #at_frame.#run::<#mode, _>(#at_d).await;);
                let run = self.gate_awaited(id, run);
                quote! {
                    #setup
                    let #d = #closure;
                    #cont
                    #run
                }
            }
            Strategy::OpenCoded if self.is_async => {
                // In a guard that runs it if the future is dropped first (cancelled).
                let d = gen("d", id);
                let (on_cancel, run) = (kind.name("on_cancel", ""), kind.name("run", ""));
                let (at_frame, at_d) = (located(&frame, span), located(&d, span));
                let f = gen("f", id);
                let run = quote_spanned! {span=>
                    if let ::core::option::Option::Some(#f) = #at_d.take() {
                        #at_frame.#run::<#mode, _>(#f.get());
                    }
                };
                let decl = quote_spanned!(span=> let mut #at_d);
                quote! {
                    #setup
                    #decl = #frame.#on_cancel::<#mode, _>(#closure);
                    #cont
                    #run
                }
            }
            Strategy::OpenCoded => {
                let d = gen("d", id);
                let (closure, run) = (kind.typed(&frame, closure, span), kind.name(run_prefix, ""));
                let keep = (keep_in_memory && self.captures_values(id))
                    .then(|| quote!(#[cfg(not(debug_assertions))] ::godefer::__private::keep_in_memory(&#d);));
                // The call at exit is located at the `defer!`: "borrow later used here" then
                // points at the statement whose deferred call uses it.
                let (at_frame, at_d) = (located(&frame, span), located(&d, span));
                if let Some(scope) = scope {
                    // `cont` is that scope: nothing comes between it and the run.
                    let nest_run = format_ident!("nest_{}", run);
                    let run = quote_spanned! {span=>
                        #at_frame.#nest_run::<#mode, _, _>(#scope, #at_d);
                    };
                    return quote! {
                        #setup
                        let #d = #closure;
                        #keep
                        #run
                    };
                }
                let run = quote_spanned!(span=> #at_frame.#run::<#mode, _>(#at_d););
                quote! {
                    #setup
                    let #d = #closure;
                    #keep
                    #cont
                    #run
                }
            }
            Strategy::Frame => {
                let m = gen("m", id);
                let r = gen("r", id);
                let (push, run) = (
                    kind.name("push_stack", ""),
                    kind.name(&format!("{run_prefix}_stack"), "_down_to"),
                );
                let (at_frame, at_r) = (located(&frame, span), located(&r, span));
                let run = quote_spanned!(span=> #at_frame.#run(&#head, #m, &#at_r););
                let (guard, done) = self.records_guard(gen("guard", id), &m, false);
                quote! {
                    #setup
                    let #m = #frame.mark(&#head);
                    let #r = ::godefer::__private::StackRecord::NEW;
                    #frame.#push::<#mode, _>(&#head, &#r, #closure);
                    #guard
                    #cont
                    #run
                    #done
                }
            }
            Strategy::Heap => {
                let m = gen("m", id);
                let k = gen("k", id);
                let push = kind.name("push_heap", "");
                let at_k = located(&k, span);
                let release = quote_spanned!(span=> ::godefer::__private::Keep::release(#at_k););
                let (guard, done) = self.records_guard(gen("guard", id), &m, true);
                quote! {
                    #setup
                    let #m = #frame.mark(&#head);
                    let #k = #frame.#push::<#mode, _>(&#head, #closure);
                    #guard
                    #cont
                    #frame.run_heap_down_to(&#head, #m);
                    #release
                    #done
                }
            }
        }
    }

    /// Whether the top-level site `id` (statement `j`) of an `async fn`'s body is hoisted: its
    /// guard declared before the body's future, as a local of the `async fn` itself, filled at
    /// the `defer!` and run once the body is over by [`AsyncFrame::scope`]'s `exit`, with no
    /// scope of its own around the code after it. A nested scope is a future of its own where
    /// that code awaits, with its own state and a catch on every poll (measured: an `async fn`
    /// with one `defer!` and one await, 105 instructions a call nested, 72 hoisted; scopeguard's
    /// peer 29).
    ///
    /// Only for the `defer!`s that are the body's first statements ([`Emit::plan_hoisting`]),
    /// and whose operands take no
    /// reference to a temporary that would live to the end of the body: a guard that outlives
    /// the body's future cannot hold a borrow of anything of the body's. And a deferred call
    /// runs before the locals declared before its `defer!` are dropped (as a `Drop` guard's
    /// would, and as in a sync function: a lock guard taken first is still held when it runs),
    /// and before a parameter the body moves on some path is dropped (the body's future owns
    /// such a parameter, and drops it when it ends), which a hoisted call, run once the body's
    /// future is over, could not keep if anything came before it. A call made at exit of places
    /// (`Emit::at_exit`) and an awaited call are never hoisted.
    ///
    /// [`AsyncFrame::scope`]: ../../godefer/__private/struct.AsyncFrame.html
    fn hoistable(&self, id: usize) -> bool {
        let Some(form) = self.sites[id].form.as_ref() else {
            return false;
        };
        if form.is_awaited() || self.at_exit(id).is_some() {
            return false;
        }
        let operands: Vec<&Expr> = match form {
            Form::Call { callee, args, .. } => std::iter::once(&**callee).chain(args).collect(),
            Form::Method { receiver, args, .. } => {
                std::iter::once(&**receiver).chain(args).collect()
            }
            Form::Macro { args, .. } => args.iter().collect(),
            Form::Closure { .. } => Vec::new(),
            Form::Async { .. } | Form::Awaited { .. } => return false,
        };
        !operands.iter().any(|e| extends_temporary(e))
    }

    /// Picks the hoisted sites: the body's first statements, while they are `defer!`s that
    /// [`Emit::hoistable`] accepts. (Any other statement ends them: so no scope with deferred
    /// calls of its own, which run at its end inside the body, comes before a hoisted site.)
    fn plan_hoisting(&mut self) {
        if !self.hoist {
            return;
        }
        for k in 0..self.stmts.len() {
            match self.top_site[k] {
                Some(id) if self.hoistable(id) => self.hoisted.push(id),
                _ => return,
            }
        }
    }

    /// A hoisted site's registration, in place of its `defer!`; its run goes to
    /// `self.hoisted_runs`.
    fn hoisted_site(&mut self, id: usize) -> TokenStream {
        let frame = frame_ident();
        let Some(Parts {
            setup,
            closure,
            mode,
            kind,
        }) = self.parts(id)
        else {
            return TokenStream::new();
        };
        let span = self.sites[id].span;
        // Its guard's place in the tuple, which holds the newest first.
        let at = self.hoisted.iter().position(|&h| h == id).unwrap_or(0);
        let index = syn::Index {
            index: (self.hoisted.len() - 1 - at) as u32,
            span,
        };
        let hoisted = hoisted_ident();
        let (fill, run) = (kind.name("fill_cancel", ""), kind.name("run", ""));
        let (at_frame, at_hoisted) = (located(&frame, span), located(&hoisted, span));
        let f = gen("f", id);
        self.hoisted_runs.push(quote_spanned! {span=>
            if let ::core::option::Option::Some(#f) = #at_hoisted.#index.take() {
                #at_frame.#run::<#mode, _>(#f.get());
            }
        });
        quote! {
            #setup
            #frame.#fill::<#mode, _>(&#at_hoisted.#index, #closure);
        }
    }

    /// In an `async fn`, the guard that runs the records registered after `mark` if the future
    /// is dropped before the scope's end runs them (declared after the records and `Keep`s).
    /// Returns the guard's declaration and what ends it once the scope's run ran them (an
    /// outer scope's run goes on past its mark, so it must not look at the list again).
    fn records_guard(
        &self,
        g: syn::Ident,
        mark: &syn::Ident,
        heap: bool,
    ) -> (TokenStream, TokenStream) {
        if !self.is_async {
            return (TokenStream::new(), TokenStream::new());
        }
        let done = quote!(::godefer::__private::RecordsGuard::done(#g););
        let frame = frame_ident();
        let head = head_ident();
        let make = if heap {
            quote!(heap_records_guard)
        } else {
            quote!(records_guard)
        };
        (quote!(let #g = #frame.#make(&#head, #mark);), done)
    }

    /// The storage declared before a scope with nested `defer!`s, and the code running them
    /// after it.
    fn level(&mut self, nested: &[usize]) -> (TokenStream, TokenStream) {
        let frame = frame_ident();
        let head = head_ident();
        self.levels += 1;
        let mark = gen("level", self.levels);
        let live: Vec<usize> = nested
            .iter()
            .copied()
            .filter(|&id| self.sites[id].form.is_some())
            .collect();
        match self.strategy {
            Strategy::OpenCoded if self.is_async => {
                let slots = live.iter().map(|&id| {
                    let s = gen("s", id);
                    if self.kind_of(id).awaited() {
                        quote!(let mut #s = ::core::option::Option::None;)
                    } else {
                        quote!(let #s = #frame.cancel_slot();)
                    }
                });
                let prologue = quote!(#(#slots)*);
                let runs = live.iter().rev().map(|&id| {
                    let span = self.sites[id].span;
                    let s = located(&gen("s", id), span);
                    let f = gen("f", id);
                    let (mode, run) = self.run_of(id);
                    if self.kind_of(id).awaited() {
                        let run = self.gate_awaited(id, quote!(#frame.#run::<#mode, _>(#f).await;));
                        return quote! {
                            if let ::core::option::Option::Some(#f) = #s {
                                #run
                            }
                        };
                    }
                    quote! {
                        if let ::core::option::Option::Some(#f) = #s.take() {
                            #frame.#run::<#mode, _>(#f.get());
                        }
                    }
                });
                (prologue, quote!(#(#runs)*))
            }
            Strategy::OpenCoded => {
                let slots = live.iter().map(|&id| gen("s", id));
                let prologue = quote!(#(let mut #slots = ::core::option::Option::None;)*);
                let runs = live.iter().rev().map(|&id| {
                    let span = self.sites[id].span;
                    let s = located(&gen("s", id), span);
                    let f = gen("f", id);
                    let (mode, run) = self.run_of(id);
                    quote! {
                        if let ::core::option::Option::Some(#f) = #s {
                            #frame.#run::<#mode, _>(#f);
                        }
                    }
                });
                (prologue, quote!(#(#runs)*))
            }
            Strategy::Frame => {
                let recs = live.iter().map(|&id| gen("r", id));
                let (guard, done) =
                    self.records_guard(gen("level_guard", self.levels), &mark, false);
                (
                    quote! {
                        let #mark = #frame.mark(&#head);
                        #(let #recs = ::godefer::__private::StackRecord::NEW;)*
                        #guard
                    },
                    quote!(#frame.run_down_to(&#head, #mark); #done),
                )
            }
            Strategy::Heap => {
                let keeps: Vec<_> = live.iter().map(|&id| gen("k", id)).collect();
                let (guard, done) =
                    self.records_guard(gen("level_guard", self.levels), &mark, true);
                (
                    quote! {
                        let #mark = #frame.mark(&#head);
                        #(#[allow(unused_assignments)] let mut #keeps = ::core::option::Option::None;)*
                        #guard
                    },
                    {
                        let releases = live.iter().zip(&keeps).map(|(&id, k)| {
                            let span = self.sites[id].span;
                            let k = located(k, span);
                            quote_spanned!(span=> ::godefer::__private::Keep::release_slot(#k);)
                        });
                        quote! {
                            #frame.run_heap_down_to(&#head, #mark);
                            #(#releases)*
                            #done
                        }
                    },
                )
            }
        }
    }

    fn run_of(&self, id: usize) -> (TokenStream, syn::Ident) {
        let mode = mode_of(self.sites[id].form.as_ref());
        (mode, self.kind_of(id).name("run", ""))
    }

    /// The kind of the closure a site defers (see [`Kind`]).
    fn kind_of(&self, id: usize) -> Kind {
        let site = &self.sites[id];
        match site.form {
            // Awaited, also under `errdefer!`/`okdefer!` (see `Emit::gate_awaited`).
            Some(Form::Async {
                takes_result: true, ..
            }) => Kind::AwaitRet,
            Some(Form::Async { .. } | Form::Awaited { .. }) => Kind::Await,
            _ if site.gate != ast::Gate::Always => Kind::Outcome,
            Some(Form::Closure {
                takes_result: true, ..
            }) => Kind::Ret,
            _ => Kind::Call,
        }
    }

    /// The registration of a nested site, in place of its `defer!`.
    fn nested(&self, id: usize) -> TokenStream {
        let frame = frame_ident();
        let head = head_ident();
        let Some(Parts {
            setup,
            closure,
            mode,
            kind,
        }) = self.parts(id)
        else {
            let unused = self.unused(id);
            return quote!({ #unused });
        };
        match self.strategy {
            Strategy::OpenCoded if kind.awaited() => {
                let s = gen("s", id);
                quote!({ #setup #s = ::core::option::Option::Some(#closure); })
            }
            Strategy::OpenCoded if self.is_async => {
                let s = gen("s", id);
                let fill = kind.name("fill_cancel", "");
                quote!({ #setup #frame.#fill::<#mode, _>(&#s, #closure); })
            }
            Strategy::OpenCoded => {
                let s = gen("s", id);
                let fill = kind.name("fill_slot", "");
                quote!({ #setup #frame.#fill(&mut #s, #closure); })
            }
            Strategy::Frame => {
                let r = gen("r", id);
                let push = kind.name("push_stack", "");
                quote!({ #setup #frame.#push::<#mode, _>(&#head, &#r, #closure); })
            }
            Strategy::Heap => {
                let k = gen("k", id);
                let push = kind.name("push_heap", "_into");
                quote!({ #setup #frame.#push::<#mode, _>(&#head, &mut #k, #closure); })
            }
        }
    }

    /// The tokens of a malformed `defer!`, in a closure never called.
    fn unused(&self, id: usize) -> TokenStream {
        match &self.sites[id].unused {
            Some(e) => quote!(let _ = || { let _ = #e; };),
            None => TokenStream::new(),
        }
    }

    /// The pieces of a top-level deferred call that touches places when it runs (Go: a
    /// function literal reads its variables at exit; a method on an addressable operand takes
    /// its address), or `None` for a form evaluated whole at the `defer!`:
    /// - a closure that is not `move` (`defer!(|| ..)`, `defer! { .. }`, `defer!(|ret| ..)`):
    ///   written where it runs, so it captures nothing across the body;
    /// - a method on a place (`defer!(tx.rollback())`, `self.m(a)`, `self.f.m(a)`, `(*r).m(a)`,
    ///   a static): the arguments are evaluated at the `defer!`, the receiver is copied there
    ///   if its type is `Copy` (Go's value receiver), else used at exit, the way the method
    ///   takes it (shared, unique or by value).
    fn at_exit(&self, id: usize) -> Option<Parts> {
        let site = &self.sites[id];
        let span = site.span;
        let (form, awaited) = match site.form.as_ref()? {
            Form::Awaited { call } => (&**call, true),
            form => (form, false),
        };
        match form {
            Form::Closure { closure, .. } if closure.capture.is_none() => self.parts(id),
            Form::Async { moved: false, .. } => self.parts(id),
            Form::Method {
                receiver,
                method,
                turbofish,
                args,
            } if receiver_place(unparen(receiver)) => {
                let receiver = unparen(receiver);
                // `*r` needs its parentheses back before `.m()` binds tighter than `*`.
                let place = match receiver {
                    Expr::Unary(_) => quote!((#receiver)),
                    _ => quote!(#receiver),
                };
                let args: Vec<&Expr> = args.iter().map(unparen).collect();
                let snap = gen("snap", id);
                let copied = gen("copied", id);
                let (names, uses) = arg_locals(id, &args);
                let setup = quote! {
                    let #snap = {
                        #[allow(unused_imports)]
                        use ::godefer::__private::{SnapCopy as _, SnapPlace as _};
                        (&::godefer::__private::Snap(&#receiver)).snap()
                    };
                    #(let #names = #args;)*
                };
                let (head, dot_await) = if awaited {
                    (quote!(async), quote!(.await))
                } else {
                    (quote!(||), TokenStream::new())
                };
                let closure = quote_spanned! {span=> #head {
                    #[allow(unreachable_code, clippy::diverging_sub_expression)]
                    match #snap {
                        ::core::option::Option::Some(#copied) => {
                            #[allow(unused_mut)]
                            let mut #copied = #copied;
                            ::godefer::__private::discard(
                                #copied.#method #turbofish(#(#uses),*) #dot_await
                            );
                        }
                        ::core::option::Option::None => {
                            ::godefer::__private::discard(
                                #place.#method #turbofish(#(#uses),*) #dot_await
                            );
                        }
                    }
                }};
                let kind = if awaited {
                    Kind::Await
                } else if site.gate == ast::Gate::Always {
                    Kind::Call
                } else {
                    Kind::Outcome
                };
                let closure = if kind == Kind::Outcome {
                    self.gated(id, closure, false)
                } else {
                    closure
                };
                Some(Parts {
                    setup,
                    closure,
                    mode: mode_of(site.form.as_ref()),
                    kind,
                })
            }
            _ => None,
        }
    }

    /// The locals an at-exit deferred call evaluated at its `defer!` (see [`Emit::at_exit`]).
    fn held_at_exit(&self, id: usize) -> Vec<syn::Ident> {
        match &self.sites[id].form {
            Some(Form::Method { args, .. }) => std::iter::once(gen("snap", id))
                .chain((0..args.len()).map(|i| gen(&format!("a{id}_"), i)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether [`Emit::parts`] gives site `id` its parts, without making them (their tokens
    /// cost the macro's running time: a test of each grouped site made them twice).
    fn has_parts(&self, id: usize) -> bool {
        match self.sites[id].form.as_ref() {
            None => false,
            Some(Form::Awaited { call }) => {
                !matches!(&**call, Form::Async { .. } | Form::Awaited { .. })
            }
            Some(_) => true,
        }
    }

    fn parts(&self, id: usize) -> Option<Parts> {
        let parts = self.make_parts(id);
        debug_assert_eq!(parts.is_some(), self.has_parts(id));
        parts
    }

    /// [`Emit::parts`]' work. Where it gives `None` must stay what [`Emit::has_parts`] says.
    fn make_parts(&self, id: usize) -> Option<Parts> {
        let site = &self.sites[id];
        let form = site.form.as_ref()?;
        let mode = mode_of(Some(form));
        match form {
            Form::Async {
                expr, takes_result, ..
            } => {
                let (closure, kind) = match &**expr {
                    Expr::Closure(_) if !takes_result => (quote!((#expr)()), Kind::Await),
                    _ if *takes_result => (quote!(#expr), Kind::AwaitRet),
                    // `defer!(async { f.await })` is not clippy's redundant block: `defer!(f)`
                    // is no form of `defer!`.
                    _ => {
                        let f = gen("future", 0);
                        (
                            quote!({
                                #[allow(clippy::redundant_async_block)]
                                let #f = #expr;
                                #f
                            }),
                            Kind::Await,
                        )
                    }
                };
                return Some(Parts {
                    setup: TokenStream::new(),
                    closure,
                    mode,
                    kind,
                });
            }
            Form::Awaited { call } => {
                let (setup, closure, _) = self.call_parts(id, call, true)?;
                return Some(Parts {
                    setup,
                    closure,
                    mode,
                    kind: Kind::Await,
                });
            }
            _ => {}
        }
        let (setup, closure, takes_result) = self.call_parts(id, form, false)?;
        if site.gate == ast::Gate::Always {
            let kind = if takes_result { Kind::Ret } else { Kind::Call };
            return Some(Parts {
                setup,
                closure,
                mode,
                kind,
            });
        }
        Some(Parts {
            setup,
            closure: self.gated(id, closure, takes_result),
            mode,
            kind: Kind::Outcome,
        })
    }

    /// The setup and the deferred closure of a call, method, macro or closure form; with
    /// `awaited` (a call or method followed by `.await`), a lazy future in place of the closure:
    /// it makes the call and awaits it when first polled.
    fn call_parts(
        &self,
        id: usize,
        form: &Form,
        awaited: bool,
    ) -> Option<(TokenStream, TokenStream, bool)> {
        let site = &self.sites[id];
        let span = site.span;
        let (head, dot_await) = if awaited {
            (quote!(async move), quote!(.await))
        } else {
            (quote!(move ||), TokenStream::new())
        };
        let stmt = |call: TokenStream| {
            quote! {
                #[allow(unreachable_code, clippy::diverging_sub_expression)]
                ::godefer::__private::discard(#call #dot_await);
            }
        };
        let wrap = |call: TokenStream| {
            let stmt = stmt(call);
            quote_spanned!(span=> #head { #stmt })
        };
        Some(match form {
            Form::Call { callee, args, .. } => {
                let callee = unparen(callee);
                let args: Vec<&Expr> = args.iter().map(unparen).collect();
                let c = gen("c", id);
                let (names, uses) = arg_locals(id, &args);
                (
                    quote! {
                        let #c = #callee;
                        #(let #names = #args;)*
                    },
                    // `defer!(panic_any(v))` (Go's `defer panic(v)`): a call that never returns is
                    // the point, not unreachable code to warn about.
                    wrap(quote!(#c(#(#uses),*))),
                    false,
                )
            }
            Form::Method {
                receiver,
                method,
                turbofish,
                args,
            } => {
                let receiver = unparen(receiver);
                let args: Vec<&Expr> = args.iter().map(unparen).collect();
                let r = gen("recv", id);
                let rv = gen("receiver", id);
                let (names, uses) = arg_locals(id, &args);
                let call = stmt(quote!(#rv.#method #turbofish(#(#uses),*)));
                (
                    quote! {
                        let #r = #receiver;
                        #(let #names = #args;)*
                    },
                    quote_spanned! {span=> #head {
                        #[allow(unused_mut)]
                        let mut #rv = #r;
                        #call
                    }},
                    false,
                )
            }
            Form::Macro { mac, args } => {
                let (setup, args) = macro_args(id, args);
                let path = &mac.path;
                let bang = mac.bang_token;
                let call = match &mac.delimiter {
                    syn::MacroDelimiter::Paren(_) => quote!(#path #bang ( #args )),
                    syn::MacroDelimiter::Bracket(_) => quote!(#path #bang [ #args ]),
                    syn::MacroDelimiter::Brace(_) => quote!(#path #bang { #args }),
                };
                (
                    setup,
                    quote_spanned! {span=> move || {
                        #[allow(unreachable_code, clippy::diverging_sub_expression)]
                        ::godefer::__private::discard(#call);
                    }},
                    false,
                )
            }
            Form::Closure {
                closure,
                takes_result,
                declared,
                ..
            } => {
                let closure = match declared {
                    // `errdefer!(|e: &mut E| ..)`: the user's closure itself takes the error.
                    Some(_) if site.gate != ast::Gate::Always => quote!(#closure),
                    Some(ty) => {
                        let ret = &self.ret;
                        let user = gen("user", id);
                        let arg = syn::Ident::new(
                            "__godefer_result",
                            Span::mixed_site().located_at(ty.span()),
                        );
                        // `mut`: a closure that changes what it captured is `FnMut`.
                        quote! {{
                            #[allow(unused_mut)]
                            let mut #user = #closure;
                            move |#arg: &mut #ret| #user(#arg)
                        }}
                    }
                    None => quote!(#closure),
                };
                (TokenStream::new(), closure, *takes_result)
            }
            Form::Async { .. } | Form::Awaited { .. } => return None,
        })
    }

    /// The run of an awaited deferred call, under its gate if it is an `errdefer!` or
    /// `okdefer!`: decided when its turn comes, before it is awaited (a future not awaited is
    /// dropped unstarted).
    fn gate_awaited(&self, id: usize, run: TokenStream) -> TokenStream {
        let site = &self.sites[id];
        if site.gate == ast::Gate::Always {
            return run;
        }
        let span = site.span;
        let ret = &self.ret;
        let at = Span::mixed_site().located_at(span);
        let panicking = syn::Ident::new("__godefer_panicking", at);
        let result = syn::Ident::new("__godefer_outcome_result", at);
        let outcome = outcome_ident();
        let frame = frame_ident();
        let failing = quote! {
            (#panicking
                || #result.as_deref().is_some_and(|r| {
                    ::godefer::__private::Outcome::is_err(&#outcome, r)
                }))
        };
        let wanted = if site.gate == ast::Gate::OnSuccess {
            quote!(!#failing)
        } else {
            failing
        };
        quote_spanned! {span=>
            if #frame.outcome_gate(
                |#panicking: bool, #result: ::core::option::Option<&mut #ret>| #wanted
            ) {
                #run
            }
        }
    }

    /// The closure of an `errdefer!` or `okdefer!`: it gets whether the frame's panic is
    /// pending and the result, if any, and runs the user's deferred call (`inner`) only if the
    /// function is failing (a pending panic, or an `Err` result), or only if it is not. A
    /// one-parameter closure given to `errdefer!` gets `&mut E` of an `Err` result.
    fn gated(&self, id: usize, inner: TokenStream, takes_error: bool) -> TokenStream {
        let site = &self.sites[id];
        let span = site.span;
        let ret = &self.ret;
        let user = gen("inner", id);
        let at = Span::mixed_site().located_at(span);
        let panicking = syn::Ident::new("__godefer_panicking", at);
        let result = syn::Ident::new("__godefer_outcome_result", at);
        let error = syn::Ident::new("__godefer_error", at);
        let outcome = outcome_ident();
        let failing = quote! {
            (#panicking
                || #result.as_deref().is_some_and(|r| {
                    ::godefer::__private::Outcome::is_err(&#outcome, r)
                }))
        };
        let body = match (site.gate, takes_error) {
            (_, true) => quote! {
                let _ = #panicking;
                if let ::core::option::Option::Some(::core::result::Result::Err(#error)) = #result {
                    #user(#error);
                }
            },
            (ast::Gate::OnSuccess, false) => quote! {
                if !#failing {
                    #user();
                }
            },
            _ => quote! {
                if #failing {
                    #user();
                }
            },
        };
        quote_spanned! {span=> {
            #[allow(unused_mut)]
            let mut #user = #inner;
            move |#panicking: bool, #result: ::core::option::Option<&mut #ret>| { #body }
        }}
    }
}

/// The value that says whether the frame's result is an error, for `errdefer!`/`okdefer!`:
/// declared once per frame that has one (see [`Outcome`](::godefer::__private::Outcome)).
fn outcome_ident() -> syn::Ident {
    syn::Ident::new("__godefer_outcome", Span::mixed_site())
}

/// `(e)` evaluated into a local is `e` (no `unused_parens` warning in the user's crate).
fn unparen(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => unparen(&p.expr),
        other => other,
    }
}

fn mode_of(form: Option<&Form>) -> TokenStream {
    // The values of `godefer::__private::arm`'s constants, as literals (asserted there): a path
    // to one was a dozen tokens more at every `defer!`, for the macro to make and rustc to
    // read.
    const EXACT: u8 = 0;
    const CALL: u8 = 1;
    const NEVER: u8 = 2;
    let mode = match form {
        Some(Form::Call {
            is_recover: true, ..
        }) => NEVER,
        Some(Form::Call {
            literal_callee: true,
            ..
        }) => EXACT,
        Some(Form::Call { .. } | Form::Method { .. } | Form::Awaited { .. }) => CALL,
        Some(Form::Closure { is_frame: true, .. }) => CALL,
        _ => EXACT,
    };
    proc_macro2::TokenTree::Literal(proc_macro2::Literal::u8_unsuffixed(mode)).into()
}

/// The arguments of a deferred macro call, evaluated at the statement: literals stay, places
/// are captured (copied if `Copy`, else borrowed), other expressions are evaluated into locals;
/// identifiers the format string captures become named arguments captured the same way.
fn macro_args(id: usize, args: &[Expr]) -> (TokenStream, TokenStream) {
    let mut setup = TokenStream::new();
    let mut out: Vec<TokenStream> = Vec::new();
    let mut named: Vec<String> = Vec::new();
    let mut format_string: Option<syn::LitStr> = None;
    for (i, arg) in args.iter().enumerate() {
        let name = gen(&format!("m{id}_"), i);
        match arg {
            Expr::Lit(lit) => {
                if let (syn::Lit::Str(s), None) = (&lit.lit, &format_string) {
                    format_string = Some(s.clone());
                }
                out.push(quote!(#arg));
            }
            Expr::Assign(a) if matches!(&*a.left, Expr::Path(p) if p.path.get_ident().is_some()) => {
                let left = &a.left;
                named.push(left.to_token_stream().to_string());
                setup.extend(once(capture(&name, &a.right)));
                out.push(quote!(#left = #name));
            }
            other => {
                setup.extend(once(capture(&name, other)));
                out.push(quote!(#name));
            }
        }
    }
    if let Some(s) = format_string {
        for (k, ident) in fmt_args::implicit_captures(&s.value())
            .into_iter()
            .enumerate()
        {
            if named.contains(&ident) {
                continue;
            }
            let var = syn::Ident::new(&ident, s.span());
            let name = gen(&format!("implicit{id}_"), k);
            let place: Expr = syn::parse_quote!(#var);
            setup.extend(once(capture(&name, &place)));
            out.push(quote!(#var = #name));
        }
    }
    (setup, quote!(#(#out),*))
}

fn capture(name: &syn::Ident, e: &Expr) -> TokenStream {
    if is_place(e) {
        // Located at the place: a borrow error names the argument, not the attribute.
        quote_spanned! {e.span()=>
            let #name = {
                #[allow(unused_imports)]
                use ::godefer::__private::{CaptureCopy as _, CaptureRef as _};
                (&::godefer::__private::Capture(&#e)).capture()
            };
        }
    } else {
        quote!(let #name = #e;)
    }
}

/// Whether `let x = e;` may keep a temporary of `e` alive to the end of the enclosing block
/// (`&String::new()`, `(1, &f())`, `Some(&g())`, `&CONST`, `&*cell.borrow()`): a reference to
/// anything but a place rooted in a variable, where the temporary lifetime extension reaches
/// (through tuples, arrays, struct literals and, since any call may be a tuple struct's or an
/// enum variant's constructor, every call's arguments). Blocks, branches and macros count
/// whole. Conservative: a `false` is certain, a `true` may be wrong.
fn extends_temporary(e: &Expr) -> bool {
    match e {
        Expr::Reference(r) => !variable_place(&r.expr),
        Expr::Tuple(t) => t.elems.iter().any(extends_temporary),
        Expr::Array(a) => a.elems.iter().any(extends_temporary),
        Expr::Struct(st) => st.fields.iter().any(|f| extends_temporary(&f.expr)),
        Expr::Call(c) => c.args.iter().any(extends_temporary),
        Expr::Cast(c) => extends_temporary(&c.expr),
        Expr::Paren(p) => extends_temporary(&p.expr),
        Expr::Group(g) => extends_temporary(&g.expr),
        Expr::Block(_) | Expr::If(_) | Expr::Match(_) | Expr::Unsafe(_) | Expr::Macro(_) => true,
        _ => false,
    }
}

/// A place rooted in a variable (a parameter, `self`, a captured variable): a lower-case name
/// (an upper-case one may be a constant, whose reference is a temporary's), then fields,
/// indexes and dereferences.
fn variable_place(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => {
            p.qself.is_none()
                && p.path.get_ident().is_some_and(|i| {
                    i.to_string()
                        .starts_with(|c: char| c.is_lowercase() || c == '_')
                })
        }
        Expr::Field(f) => variable_place(&f.base),
        Expr::Index(i) => variable_place(&i.expr),
        Expr::Paren(p) => variable_place(&p.expr),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)) && variable_place(&u.expr),
        _ => false,
    }
}

/// A method receiver the deferred call may name at exit: a path (a local, `self`, a static),
/// a field of one, or a dereference of one, each perhaps in parentheses. Not an index (its
/// index would be read at exit), nor anything that computes (a call, `m.lock().unwrap()`): those
/// are evaluated at the `defer!`.
fn receiver_place(e: &Expr) -> bool {
    match e {
        Expr::Path(p) => p.qself.is_none(),
        Expr::Field(f) => receiver_place(&f.base),
        Expr::Paren(p) => receiver_place(&p.expr),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)) && receiver_place(&u.expr),
        _ => false,
    }
}

fn is_place(e: &Expr) -> bool {
    match e {
        Expr::Path(_) => true,
        Expr::Field(f) => is_place(&f.base),
        Expr::Index(i) => is_place(&i.expr),
        Expr::Paren(p) => is_place(&p.expr),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)),
        _ => false,
    }
}

/// Replaces placeholders with registrations. Recursion: everywhere a placeholder can be.
struct Placeholders<'a, 'b> {
    emit: &'a Emit<'b>,
}

impl VisitMut for Placeholders<'_, '_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Some(id) = ast::placeholder_id(e) {
            *e = Expr::Verbatim(self.emit.nested(id));
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The lowered code of `f`, as a string without spaces.
    fn lowered(f: proc_macro2::TokenStream) -> String {
        super::func(quote!(), f, None).to_string().replace(' ', "")
    }

    const KEEP: &str = "keep_in_memory(&__godefer_d0)";

    /// How many scopes (catches of the body's code) the lowering of `f` makes.
    fn scopes(f: proc_macro2::TokenStream) -> usize {
        // `nest_run*`: a scope and the run after it.
        let code = lowered(f);
        code.matches("__godefer_frame.nest(").count()
            + code.matches("__godefer_frame.nest_").count()
    }

    #[test]
    fn statements_opening_with_a_defer_that_cannot_panic_get_no_scope_of_their_own() {
        // The outermost scope would hold only the registration (a path called with a path)
        // and the scope of the code after it: one scope, around `h()`.
        assert_eq!(
            scopes(quote!(
                fn f(x: u32) {
                    defer!(g(x));
                    h();
                }
            )),
            1
        );
        // The same down a chain: literals, paths, references to paths, closures.
        assert_eq!(
            scopes(quote!(
                fn f(x: u32) {
                    defer!(g(x));
                    defer!(g(&x, 1, "s"));
                    defer!(move || g(x));
                    defer!(|| g(x));
                    h();
                }
            )),
            1
        );
        // Frame records: the same rule.
        assert_eq!(
            scopes(quote!(
                fn f(x: u32) {
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    defer!(g(x));
                    h();
                }
            )),
            1
        );
        // Arithmetic (overflow checks), a call, a field (a `Deref` may run), a macro (which
        // may panic or exit), a method: the registration may panic, and its scope catches it.
        for f in [
            quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(k(x)));
                    h();
                }
            ),
            quote!(
                fn f(x: S) {
                    defer!(g(x.y));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(m!(x)));
                    h();
                }
            ),
            quote!(
                fn f(x: S) {
                    defer!(x.g());
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(println!("{}", x));
                    h();
                }
            ),
            // A reference to a unit struct or constant: a temporary, which must end with a
            // scope of its own (`Unit` may have a destructor).
            quote!(
                fn f(x: u32) {
                    defer!(g(&Unit));
                    h();
                }
            ),
        ] {
            assert_eq!(scopes(f.clone()), 2, "{f}");
        }
        // Code before the `defer!`: it may panic.
        assert_eq!(
            scopes(quote!(
                fn f(x: u32) {
                    let y = x;
                    defer!(g(y));
                    h();
                }
            )),
            2
        );
        // Heap records: taking one may lock the pool's mutex. The outermost scope stays,
        // around the one of the loop's level.
        assert_eq!(
            scopes(quote!(
                fn f(x: u32) {
                    defer!(g(x));
                    for i in 0..x {
                        defer!(g(i));
                    }
                }
            )),
            2
        );
    }

    /// How many runs leave their panic to the scope around them (`tail_run*`), and how many
    /// catch it themselves.
    fn tail_runs(f: proc_macro2::TokenStream) -> (usize, usize) {
        // `nest_run*`: a scope and the run after it, as `nest` and `run*`.
        let code = lowered(f).replace("__godefer_frame.nest_", "__godefer_frame.");
        let tail = code.matches("__godefer_frame.tail_run").count();
        // A group's `run_own`s are under its `run_group`'s catch.
        let all = code.matches("__godefer_frame.run").count()
            - code.matches("__godefer_frame.run_own").count()
            + code.matches("__godefer_frame.tail_run").count();
        (tail, all - tail)
    }

    #[test]
    fn a_run_that_ends_a_scope_with_nothing_alive_leaves_its_panic_to_the_scope() {
        // Three runs. The first `defer!` is quiet: no scope around the body, so its run ends
        // none and catches. Of the two that end a scope, the first folds; the second's scope
        // has a statement before its `defer!` (`if .. { return 0; }`): it catches.
        let three = quote!(
            fn f(x: u32) -> u32 {
                defer!(g(x));
                defer!(g(x + 1));
                if x == 0 {
                    return 0;
                }
                defer!(g(x + 2));
                x * 2
            }
        );
        assert_eq!(tail_runs(three), (1, 2));
        // Any statement before the `defer!` in its scope keeps the run's catch, even one that
        // leaves nothing alive: the rule does not look into the user's code. The first
        // registration may panic (`x + 1`), so the whole body is a scope, which the first run
        // ends: it folds.
        assert_eq!(
            tail_runs(quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    h();
                    defer!(g(x + 2));
                    h();
                }
            )),
            (1, 1)
        );
        // A `let`, a macro statement (which may expand to one), control flow (which may move
        // a capture on one path only), an assignment after a move, a closure; a registration
        // that branches, borrows (its `let` may extend a temporary), takes a range or is a
        // macro's; or a quiet registration after it, sharing its scope: something may be alive
        // at the run, which keeps its catch (an unwind would drop it).
        for f in [
            quote!(
                fn f(x: u32, mut s: S) {
                    defer!(g(x + 1));
                    s = renew(s);
                    defer!(g(x));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    defer!(println!("{}", x + 1));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    defer!(g(a..b));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, p: Box<P>) {
                    defer!(g(x + 1));
                    defer!(g(p.a));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) -> Result<(), E> {
                    defer!(g(x + 1));
                    defer!(g(k(x)?));
                    Ok(())
                }
            ),
            quote!(
                fn f(x: u32, mut s: S) {
                    defer!(g(x + 1));
                    defer!(g((s, {
                        s = t();
                        0
                    })));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, p: Box<P>) {
                    defer!(g(x + 1));
                    defer!(g(P { a: t(), ..*p }));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, s: S) {
                    defer!(g(x + 1));
                    if x == 0 {
                        drop(s);
                    }
                    defer!(g(x));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, s: Option<S>) {
                    defer!(g(x + 1));
                    match s {
                        Some(v) => k(v),
                        None => {}
                    }
                    defer!(g(x));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, s: S) {
                    defer!(g(x + 1));
                    h(x > 0 && k(s));
                    defer!(g(x));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, s: S) {
                    defer!(g(x + 1));
                    defer!(g(if x == 0 { s } else { t() }));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    v.iter().for_each(|y| k(y));
                    defer!(g(x));
                    h();
                }
            ),
            quote!(
                fn f(x: u32, m: M) {
                    defer!(g(x + 1));
                    defer!(g(&m.lock()));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    let y = x;
                    defer!(g(y));
                    h();
                }
            ),
            quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    declare!(y);
                    defer!(g(x));
                    h();
                }
            ),
        ] {
            assert_eq!(tail_runs(f.clone()), (1, 1), "{f}");
        }
        // Frame records: the same rule, for the scope's own record.
        let nine = quote!(
            fn f(x: u32) {
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                defer!(g(x + 1));
                h();
            }
        );
        // Adjacent, they share one scope (`Emit::frame_group`), and run from the list, under
        // one catch: one catching run.
        assert_eq!(tail_runs(nine.clone()), (0, 1));
        // Two scopes: the group's, and the body's around it (the first registration, outside
        // the group's scope, may panic: `x + 1`).
        assert_eq!(scopes(nine.clone()), 2);
        let code = lowered(nine);
        assert!(code.contains("__godefer_frame.run_group("), "{code}");
        // Newest first: the last `defer!`'s record (`r8`) to the first's.
        let own: Vec<&str> = code
            .matches("__godefer_frame.run_own(&__godefer_head,&__godefer_r")
            .collect();
        assert_eq!(own.len(), 9);
        let r8 = code.find("run_own(&__godefer_head,&__godefer_r8)").unwrap();
        let r0 = code.find("run_own(&__godefer_head,&__godefer_r0)").unwrap();
        assert!(r8 < r0, "{code}");
        // A record whose scope is opened by its `defer!` after a call made at exit (which
        // takes no record, so starts no group), with nothing after it: its run folds.
        let code = super::func(
            quote!(strategy = "frame"),
            quote!(
                fn f(v: &V, x: u32) {
                    defer!(v.close());
                    defer!(g(x + 1));
                }
            ),
            None,
        )
        .to_string()
        .replace(' ', "");
        assert!(code.contains("tail_run_stack_down_to"), "{code}");
        // A quiet registration after a `defer!` shares its scope: that run catches.
        assert_eq!(
            tail_runs(quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    defer!(g(x));
                    h();
                }
            )),
            (0, 2)
        );
        // Quiet registrations open no scope: their runs follow one another in the same code,
        // and each catches.
        assert_eq!(
            tail_runs(quote!(
                fn f(x: u32) {
                    defer!(g(x));
                    defer!(g(x));
                    h();
                }
            )),
            (0, 2)
        );
        // Heap records and `async fn`: no folding.
        assert_eq!(
            tail_runs(quote!(
                fn f(x: u32) {
                    defer!(g(x + 1));
                    defer!(g(x + 1));
                    for i in 0..x {
                        defer!(g(i));
                    }
                }
            ))
            .0,
            0
        );
        assert_eq!(
            tail_runs(quote!(
                async fn f(x: u32) {
                    defer!(g(x + 1));
                    defer!(g(x + 1));
                    h().await;
                }
            ))
            .0,
            0
        );
    }

    #[test]
    fn a_closure_capturing_values_is_kept_in_memory_across_calls() {
        // Arguments that are values, and a call after the defer: kept in memory.
        let code = lowered(quote! {
            fn f(x: usize) { defer!(g(x, x + 1)); h(); }
        });
        assert!(code.contains(KEEP), "{code}");
        // A method call's receiver is a value too (its copy, made at the `defer!`, for a
        // method on a place: the call itself is made at exit); so is a `return` the lowering
        // rewrote.
        let code = lowered(quote! {
            fn f(v: &V) -> u32 { defer!(v.close()); if v.done { return 1; } 2 }
        });
        assert!(code.contains("keep_in_memory(&__godefer_snap0)"), "{code}");
        // A `move` closure holds values of its own.
        let code = lowered(quote! {
            fn f(x: usize) { defer!(move || g(x)); h(); }
        });
        assert!(code.contains(KEEP), "{code}");
        // A later `defer!` runs before this one: a call.
        let code = lowered(quote! {
            fn f(x: usize) { defer!(g(x)); defer!(g(2)); }
        });
        assert!(code.contains(KEEP), "{code}");
    }

    /// Whether the first `defer!` of the `async fn` `f` is hoisted out of the body's future
    /// (see `Emit::hoistable`).
    fn hoists_first(f: proc_macro2::TokenStream) -> bool {
        let code = lowered(f);
        code.contains("let__godefer_slots=(")
    }

    #[test]
    fn an_async_fns_first_defers_are_hoisted_if_nothing_comes_before_them() {
        for f in [
            quote!(
                async fn f(x: u32) {
                    defer!(g(x, 1));
                    h().await;
                }
            ),
            quote!(
                async fn f(x: &S) {
                    defer!(g(&x.field, &*x.p, &x.v[0], x.len()));
                    h().await;
                }
            ),
            quote!(
                async fn f(x: u32) {
                    defer!(move || g(x));
                    h().await;
                }
            ),
            quote!(
                async fn f(m: &M) {
                    defer!(m.lock().unwrap().release(1));
                    h().await;
                }
            ),
            quote!(
                async fn f(x: u32) {
                    defer!(println!("{x} {}", x + 1));
                    h().await;
                }
            ),
            quote!(
                async fn f(x: u32) -> R {
                    defer!(move |r: &mut R| g(r, x));
                    h().await
                }
            ),
        ] {
            assert!(hoists_first(f.clone()), "{f}");
        }
        for f in [
            // Anything before it: a local (dropped after the call, as with a `Drop` guard), a
            // statement that may move a parameter (dropped when the body's future ends), a
            // statement macro.
            quote!(
                async fn f(x: u32) {
                    let y = 1;
                    defer!(g(x));
                    h(y).await;
                }
            ),
            quote!(
                async fn f(d: D, c: bool) {
                    if c {
                        drop(d)
                    }
                    defer!(g(1));
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    declare!(y);
                    defer!(g(1));
                    h().await;
                }
            ),
            // A temporary that lives to the end of the body.
            quote!(
                async fn f() {
                    defer!(g(&String::new()));
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    defer!(g((1, &h2())));
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    defer!(g(Some(&h2())));
                    h().await;
                }
            ),
            quote!(
                async fn f(c: &C) {
                    defer!(g(&*c.borrow()));
                    h().await;
                }
            ),
            quote!(
                async fn f(c: &C) {
                    defer!((&*c.borrow()).len());
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    defer!(g(&EMPTY));
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    defer!(g(vec!(&h2())));
                    h().await;
                }
            ),
            // Forms made or awaited at exit.
            quote!(
                async fn f(x: S) {
                    defer!(x.close());
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    defer!(|| g(1));
                    h().await;
                }
            ),
            quote!(
                async fn f() {
                    defer!(async { g(1) });
                    h().await;
                }
            ),
        ] {
            assert!(!hoists_first(f.clone()), "{f}");
        }
        // The first ones are, up to the first that is not.
        let code = lowered(quote! {
            async fn f() { defer!(g(1)); defer!(g(&String::new())); defer!(g(3)); h().await; }
        });
        assert!(
            code.contains("let__godefer_slots=(__godefer_frame.cancel_slot(),);"),
            "{code}"
        );
        // None after a scope with deferred calls of its own (they run before it), nor in a
        // sync function.
        let code = lowered(quote! {
            async fn f() { if c() { defer!(g(1)); } defer!(g(2)); h().await; }
        });
        assert!(!code.contains("__godefer_slots"), "{code}");
        let code = lowered(quote!(
            fn f() {
                defer!(g(1));
                h();
            }
        ));
        assert!(!code.contains("__godefer_slots"), "{code}");
    }

    #[test]
    fn nothing_is_kept_in_memory_without_a_call_after_or_a_value_captured() {
        // No call after the defer: the arguments go straight to the deferred call.
        let code = lowered(quote! {
            fn f(x: usize) -> usize { defer!(g(x)); let y = x + 1; y * 2 }
        });
        assert!(!code.contains("keep_in_memory"), "{code}");
        // Literal arguments: cheaper as constants in the call.
        let code = lowered(quote! {
            fn f() { defer!(g(1, -2)); h(); }
        });
        assert!(!code.contains("keep_in_memory"), "{code}");
        // A call only inside a closure the body defines, not calls: not a call.
        let code = lowered(quote! {
            fn f(x: usize) { defer!(g(x)); let _c = || h(); }
        });
        assert!(!code.contains("keep_in_memory"), "{code}");
        // A reference to a local, a closure that borrows, a macro (whose arguments are
        // borrowed): keeping them in memory would expose the locals they point to.
        for f in [
            quote!(
                fn f(x: usize) {
                    defer!(g(&x));
                    h();
                }
            ),
            quote!(
                fn f(x: usize) {
                    defer!(|| g(x));
                    h();
                }
            ),
            quote!(
                fn f(x: usize) {
                    defer!(println!("{}", x));
                    h();
                }
            ),
        ] {
            let code = lowered(f);
            assert!(!code.contains("keep_in_memory"), "{code}");
        }
        // The record strategies keep their closures in records: nothing to add.
        let code = super::func(
            quote!(strategy = "heap"),
            quote! {
                fn f(x: usize) { defer!(g(x)); h(); }
            },
            None,
        )
        .to_string();
        assert!(!code.contains("keep_in_memory"), "{code}");
    }
}
