"""Admin pages: providers and their services, API tokens, users, mappings (with a dry run), the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from leap_contracts.catalogue import SERVICES
from leap_contracts.outcomes.catalogue import SOURCES

from leap_uploader.api.multipart import read_upload_form
from leap_uploader.service import admin_overview, mapping_admin, provider_admin, session_ending, users
from leap_uploader.service.providers import InvalidCommand
from leap_uploader.web.deps import Admin, address, check_csrf, page, redirect

router = APIRouter(prefix="/admin", include_in_schema=False)
Text = Annotated[str, Form(max_length=256)]
Csrf = Annotated[str, Form(max_length=64)]


async def _overview(request: Request, user, **extra):
    listed = await admin_overview.overview(request.app.state.services.pool)
    return page(request, "admin.html", user, **listed, services=sorted(SERVICES), roles=users.ROLES,
                outcome_sources=list(SOURCES), **extra)


@router.get("")
async def overview(request: Request, user: Admin):
    return await _overview(request, user)


async def act(request: Request, user, action, success: str):
    """Run an admin's action; the overview again, with what was done or why it was refused."""
    try:
        result = await action()
    except (InvalidCommand, users.InvalidUser) as exc:
        return await _overview(request, user, error=str(exc))
    return await _overview(request, user, notice=success.format(result=result))


@router.post("/providers")
async def save_provider(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, name: Text,
                        services: Annotated[list[str], Form()]):
    check_csrf(user, csrf_token)
    return await act(request, user, lambda: provider_admin.add_provider(request.app.state.services.pool, user.actor,
                                                               provider_id, name, services),
                      f"provider {provider_id} saved")


@router.post("/providers/remove-service")
async def remove_service(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, service: Text):
    check_csrf(user, csrf_token)
    await provider_admin.remove_service(request.app.state.services.pool, user.actor, provider_id, service)
    return redirect("/admin")


@router.post("/tokens")
async def issue_token(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text):
    check_csrf(user, csrf_token)
    try:
        token_id, token = await provider_admin.issue_token(request.app.state.services.pool, user.actor, provider_id)
    except InvalidCommand as exc:
        return await _overview(request, user, error=str(exc))
    return await _overview(request, user, new_token=token, new_token_id=token_id)


@router.post("/tokens/revoke")
async def revoke_token(request: Request, user: Admin, csrf_token: Csrf, token_id: Annotated[int, Form()]):
    check_csrf(user, csrf_token)
    await provider_admin.revoke_token(request.app.state.services.pool, user.actor, token_id)
    return redirect("/admin")


@router.post("/users")
async def create_user(request: Request, user: Admin, csrf_token: Csrf, username: Text, role: Text,
                      password: Text, provider_id: Annotated[str, Form(max_length=64)] = ""):
    check_csrf(user, csrf_token)
    return await act(request, user, lambda: users.create_user(request.app.state.services.pool, user.actor,
                                                                 username, role, provider_id or None, password),
                      f"user {username} created: they enrol their authenticator app at first sign-in")


@router.post("/users/change")
async def change_user(request: Request, user: Admin, csrf_token: Csrf, user_id: Annotated[int, Form()],
                      action: Text, password: Annotated[str, Form(max_length=256)] = "",
                      provider_id: Annotated[str, Form(max_length=64)] = ""):
    check_csrf(user, csrf_token)
    changes = {"unlock": {"unlock": True}, "reset_totp": {"reset_totp": True}, "disable": {"disabled": True},
               "enable": {"disabled": False}, "password": {"password": password, "unlock": True},
               **{f"role:{r}": {"role": r, "provider_id": provider_id} for r in users.ROLES}}.get(action)
    if changes is None:
        return await _overview(request, user, error="unknown action")
    services = request.app.state.services
    return await act(request, user, lambda: users.change_user(services.pool, user.actor, user_id, **changes,
                                                                 topic_prefix=services.settings.topic_prefix),
                      "user changed")


@router.post("/sessions/end-all")
async def end_all_sessions(request: Request, user: Admin, csrf_token: Csrf):
    """Every session ends: here (but this one) and, through SessionsEndedV1, on the reporter and the matcher."""
    check_csrf(user, csrf_token)
    services = request.app.state.services
    ended = await session_ending.end_all(services.pool, user.actor, services.settings.topic_prefix,
                                         keep=user.token_hash, address=address(request))
    return await _overview(request, user, notice=f"every session ended ({ended} here; the reporter's and the "
                                                 "matcher's follow within seconds)")


@router.get("/mappings/edit")
async def edit_mapping(request: Request, user: Admin, provider_id: str, service: str):
    spec, version = await mapping_admin.current(request.app.state.services.pool, provider_id, service)
    return page(request, "mapping.html", user, provider_id=provider_id, service=service, spec=spec, version=version)


@router.post("/mappings")
async def save_mapping(request: Request, user: Admin, csrf_token: Csrf, provider_id: Text, service: Text,
                       spec: Annotated[str, Form(max_length=65536)]):
    check_csrf(user, csrf_token)
    try:
        version = await mapping_admin.save_mapping(request.app.state.services.pool, user.actor, provider_id, service, spec)
    except InvalidCommand as exc:
        return page(request, "mapping.html", user, provider_id=provider_id, service=service, spec=spec,
                    version=None, error=str(exc), status_code=400)
    return page(request, "mapping.html", user, provider_id=provider_id, service=service, spec=spec,
                version=version, notice=f"mapping saved as version {version}")


@router.post("/mappings/dry-run")
async def dry_run(request: Request, user: Admin):
    services = request.app.state.services
    form = await read_upload_form(request, max_bytes=services.settings.max_upload_bytes,
                                  temp_dir=services.settings.temp_dir)
    try:
        check_csrf(user, form.fields.get("csrf_token"))
        provider_id, spec = form.fields.get("provider", ""), form.fields.get("mapping", "{}")
        try:
            summary, rows = await mapping_admin.dry_run(services.pool, user.actor, provider_id, form.service or "", spec,
                                                form.spooled.file, form.spooled.head,
                                                services.settings.max_xlsx_expanded_bytes, services.settings.temp_dir,
                                                services.settings.xlsx_memory_bytes)
        except InvalidCommand as exc:
            return page(request, "mapping.html", user, provider_id=provider_id, service=form.service, spec=spec,
                        version=None, error=str(exc), status_code=400)
    finally:
        form.close()
    return page(request, "mapping.html", user, provider_id=provider_id, service=form.service, spec=spec,
                version=None, dry_run=summary, rows=rows)
