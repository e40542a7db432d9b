"""Who is asking (stand-in until the sign-in gate lands on main: the lead's version replaces
this file): the actor the gate put in the request's state, else the single-person owner."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backfit.services.policy import Actor


def current_actor(request: Request) -> Actor:
    return request.scope.get("state", {}).get("actor") or Actor.owner()


ActorDep = Annotated[Actor, Depends(current_actor)]
