"""The SQL of the X and Z reports: aggregates over one till session, on SQLite and PostgreSQL alike.

Every query starts from ``payment.session_id = ?`` (index ``payment_session``) and reaches the
session's lines, carnets and sales by key, so a report reads its own few hundred rows whatever the
size of the year around it. Portable SQL with ``?`` placeholders, run by ``dialect.rows``.
"""

# the lines paid in the session and not voided, grouped as finely as the report needs: the
# groupings by method, model, tariff and beneficiary type are summed from these few rows
LINE_GROUPS = """
SELECT p.method, l.model_name, l.tariff_label, l.beneficiary_type,
       COUNT(*), SUM(l.quantity), SUM(p.amount_cents), SUM(p.tendered_cents), SUM(p.change_cents)
FROM payment p
JOIN sale_line l ON l.id = p.line_id
WHERE p.session_id = ? AND NOT l.voided
GROUP BY p.method, l.model_name, l.tariff_label, l.beneficiary_type
"""

# numbered sales with a line paid in the session (a sale whose every line was voided included)
SALES_COUNT = """
SELECT COUNT(DISTINCT l.sale_id)
FROM payment p
JOIN sale_line l ON l.id = p.line_id
WHERE p.session_id = ?
"""

# carnets and billets of the lines paid in the session and not voided
CARNETS = """
SELECT COUNT(*), COALESCE(SUM(c.billets_count), 0)
FROM payment p
JOIN sale_line l ON l.id = p.line_id
JOIN carnet c ON c.line_id = l.id
WHERE p.session_id = ? AND NOT l.voided
"""

# the voids of lines paid in the session: who, why, who approved, what it was worth
VOIDS = """
SELECT v.id, s.number, l.position, l.model_name, p.method, p.amount_cents, v.reason, v.voided_by,
       v.approved_by, v.voided_at
FROM payment p
JOIN sale_line l ON l.id = p.line_id
JOIN void v ON v.line_id = l.id
JOIN sale s ON s.id = l.sale_id
WHERE p.session_id = ?
ORDER BY v.id
"""

# reprints (every copy marked DUPLICATA, resumes after an incident included) of the session's sales
REPRINTS = """
SELECT r.what, COUNT(*)
FROM reprint_log r
WHERE r.sale_id IN (SELECT l.sale_id FROM payment p JOIN sale_line l ON l.id = p.line_id
                    WHERE p.session_id = ?)
  AND r.detail LIKE ?
GROUP BY r.what
ORDER BY r.what
"""

# cash put in and taken out of the drawer during the session
MOVEMENTS = """
SELECT id, kind, amount_cents, reason, done_by, approved_by, done_at
FROM cash_movement
WHERE session_id = ?
ORDER BY id
"""

# what the drawer should hold: the cash of lines not voided, and the movements
CASH = """
SELECT COALESCE(SUM(p.tendered_cents), 0), COALESCE(SUM(p.change_cents), 0)
FROM payment p
JOIN sale_line l ON l.id = p.line_id
WHERE p.session_id = ? AND p.method = ? AND NOT l.voided
"""

# (deposit kind, withdrawal kind, session)
MOVEMENT_SUMS = """
SELECT
  COALESCE(SUM(CASE WHEN kind = ? THEN amount_cents ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN kind = ? THEN amount_cents ELSE 0 END), 0)
FROM cash_movement
WHERE session_id = ?
"""

# the Z reports found on the Rapports screen, newest first
Z_LIST = """
SELECT z.id, z.desk, z.number, z.session_id, z.created_at, s.opened_by, s.closed_by, s.opened_at,
       s.closed_at
FROM z_report z
JOIN till_session s ON s.id = z.session_id
WHERE {where}
ORDER BY z.created_at DESC, z.id DESC
LIMIT ?
"""
