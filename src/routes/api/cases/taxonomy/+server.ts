// GET /api/cases/taxonomy → classes and subclasses (events and components) with their departments and
// per-stage time limits (normal and urgent), the departments, and the categories mapped onto subclasses.
import { json } from '@sveltejs/kit';
import { requireDb } from '$lib/server/runtime';
import { loadTaxonomy } from '$lib/server/cases/taxonomy';
import { answerOrError } from '$lib/server/http/api-errors';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => answerOrError(async () => json(await loadTaxonomy(requireDb())));
