/*
 * sweep_xml.c - the <sweep> element of a design file (schema:
 * netlists/schema/design.rng; docs/sweep.md). The file has been loaded
 * (and so validated, DOCTYPEs refused) by ampsim_design_load() first; this
 * reads the one element design.c leaves alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "ampsim/error.h"
#include "ampsim/sweep.h"

static const xmlNode *next_element(const xmlNode *n)
{
  while (n != NULL && n->type != XML_ELEMENT_NODE)
    n = n->next;
  return n;
}

static int named(const xmlNode *n, const char *name)
{
  return n->ns == NULL && strcmp((const char *)n->name, name) == 0;
}

/* An attribute's value (copied into buf), or NULL. */
static const char *attr(char *buf, size_t size, const xmlNode *n, const char *name)
{
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
  if (v == NULL)
    return NULL;
  snprintf(buf, size, "%s", (const char *)v);
  xmlFree(v);
  return buf;
}

static int read_sweep(ampsim_sweep *out, unsigned *figures, const char *path, const xmlNode *s)
{
  char buf[2048];
  long line = (long)xmlGetLineNo((xmlNode *)s);
  const char *v;

  if (attr(buf, sizeof buf, s, "mc") != NULL) {
    char *end;
    unsigned long long mc = strtoull(buf, &end, 10);
    if (*end != '\0' || mc > 10000000ULL)
      return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <sweep mc=\"%s\">: at most 10000000",
                              path, line, buf);
    out->mc = (size_t)mc;
  }
  if (attr(buf, sizeof buf, s, "seed") != NULL) {
    char *end;
    unsigned long long seed = strtoull(buf, &end, 10);
    if (*end != '\0' || seed > (1ULL << 53))
      return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <sweep seed=\"%s\">: 0 to 2^53", path,
                              line, buf);
    out->seed = seed;
  }
  v = attr(buf, sizeof buf, s, "dist");
  if (v != NULL)
    out->tol.dist = strcmp(v, "uniform") == 0 ? AMPSIM_TOL_UNIFORM : AMPSIM_TOL_GAUSS;
  if (attr(buf, sizeof buf, s, "tol") != NULL && ampsim_tolerances_parse(&out->tol, buf) != 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <sweep tol=...>: %s", path, line,
                            ampsim_error_last());
  if (attr(buf, sizeof buf, s, "figures") != NULL && ampsim_figures_parse(figures, buf) != 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <sweep figures=...>: %s", path, line,
                            ampsim_error_last());
  if (out->tol.n > 0 && out->mc == 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <sweep tol=...> needs mc=\"N\" (samples)",
                            path, line);
  for (const xmlNode *c = next_element(s->children); c != NULL; c = next_element(c->next)) {
    char option[64], values[2048];
    ampsim_axis_kind kind = AMPSIM_AXIS_PARAM;
    const char *name;
    long cl = (long)xmlGetLineNo((xmlNode *)c);
    if (!named(c, "vary"))
      continue;
    if (attr(values, sizeof values, c, "values") == NULL)
      return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <vary> needs values=\"...\"", path, cl);
    name = attr(option, sizeof option, c, "param");
    if (name == NULL) {
      name = attr(option, sizeof option, c, "option");
      if (name == NULL)
        return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <vary> needs option=... or param=...",
                                path, cl);
      if (strcmp(name, "topology") == 0)
        kind = AMPSIM_AXIS_TOPOLOGY;
      else if (strcmp(name, "load") == 0)
        kind = AMPSIM_AXIS_LOAD;
      else if (strcmp(name, "ground-ohms") == 0)
        kind = AMPSIM_AXIS_GROUND_OHMS, name = "ground_ohms";
      else if (strcmp(name, "supply") == 0)
        kind = AMPSIM_AXIS_SUPPLY, name = "supply_v";
      else if (strcmp(name, "supply-ohms") == 0)
        kind = AMPSIM_AXIS_SUPPLY_OHMS, name = "supply_ohms";
      else
        return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <vary option=\"%s\">: not an option",
                                path, cl, name);
    }
    if (ampsim_sweep_add_axis(out, kind, name, values) != 0)
      return ampsim_error_set(AMPSIM_EINVAL, "%s:%ld: <vary>: %s", path, cl,
                              ampsim_error_last());
  }
  return 0;
}

int ampsim_sweep_load(ampsim_sweep *out, unsigned *figures, int *found, const char *path,
                      size_t index)
{
  xmlDocPtr doc;
  const xmlNode *root, *d;
  size_t i = 0;
  int rc = 0;

  *found = 0;
  *figures = 0;
  ampsim_sweep_init(out);
  doc = xmlReadFile(path, NULL,
                    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING);
  if (doc == NULL)
    return ampsim_error_set(AMPSIM_EPARSE, "%s: cannot read the design file again", path);
  root = xmlDocGetRootElement(doc);
  for (d = root != NULL ? next_element(root->children) : NULL; d != NULL;
       d = next_element(d->next)) {
    if (!named(d, "design"))
      continue;
    if (i++ != index)
      continue;
    for (const xmlNode *c = next_element(d->children); c != NULL; c = next_element(c->next)) {
      if (named(c, "sweep")) {
        *found = 1;
        rc = read_sweep(out, figures, path, c);
        break;
      }
    }
    break;
  }
  xmlFreeDoc(doc);
  return rc;
}
