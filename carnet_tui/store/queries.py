"""The SQL text the services' reports need, in one place of the store: it runs on SQLite and on
PostgreSQL alike (CASE sums, ``NOT voided``, full GROUP BY, ``?`` placeholders that
``dialect.rows`` adapts). ``{where}`` is filled by the service with a fragment of its own."""

# a carnet's row of the carnets tables, with its billets sent and pending
CARNETS = """
SELECT c.id, c.number, l.id, c.sale_id, l.model_name, COALESCE(k.name, ''), l.beneficiary_type,
       l.tariff_label, l.unit_price_cents, c.valid_until, c.billets_count,
       SUM(CASE WHEN b.print_state = 'sent' THEN 1 ELSE 0 END),
       SUM(CASE WHEN b.print_state = 'pending' THEN 1 ELSE 0 END), l.voided
FROM carnet c
JOIN sale_line l ON l.id = c.line_id
LEFT JOIN client k ON k.id = l.client_id
JOIN billet b ON b.carnet_id = c.id
WHERE {where}
GROUP BY c.id, l.id, k.name
ORDER BY c.sale_id, c."index"
"""

# the carnets still owed at start-up: the first test reads the partial index of unsent billets; the
# others only those carnets' sale row and billets (by key), never the whole billet table
UNFINISHED_CARNETS_WHERE = (
    "NOT l.voided AND c.id IN (SELECT carnet_id FROM billet WHERE print_state != 'sent') "
    "AND (EXISTS (SELECT 1 FROM sale s WHERE s.id = c.sale_id AND s.status = 'closed') "
    "OR EXISTS (SELECT 1 FROM billet b2 WHERE b2.carnet_id = c.id AND b2.print_state != 'unprinted'))"
)

# the sales history: numbered sales, newest first, with their total and billets sent/count
SALE_SUMMARIES = """
SELECT s.id, s.number, s.sale_date, s.cashier, s.status,
       (SELECT COALESCE(SUM(l.total_cents), 0) FROM sale_line l WHERE l.sale_id = s.id AND NOT l.voided),
       (SELECT COUNT(*) FROM billet b JOIN carnet c ON c.id = b.carnet_id JOIN sale_line l ON l.id = c.line_id
         WHERE c.sale_id = s.id AND NOT l.voided AND b.print_state = 'sent'),
       (SELECT COUNT(*) FROM billet b JOIN carnet c ON c.id = b.carnet_id JOIN sale_line l ON l.id = c.line_id
         WHERE c.sale_id = s.id AND NOT l.voided)
FROM sale s
WHERE s.number IS NOT NULL {where}
ORDER BY s.number DESC
LIMIT ?
"""

# open sales with paid lines (offered back at start, on Alt+A)
UNCLOSED_SALES = """
SELECT s.id, s.number, s.sale_date, s.cashier,
       (SELECT SUM(l.total_cents) FROM sale_line l WHERE l.sale_id = s.id AND NOT l.voided)
FROM sale s
WHERE s.status = 'open' AND s.number IS NOT NULL {where}
  AND EXISTS (SELECT 1 FROM sale_line l WHERE l.sale_id = s.id AND NOT l.voided)
ORDER BY s.number
LIMIT ?
"""
