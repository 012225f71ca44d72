#include "common/strutil.h"

#include <stdlib.h>
#include <string.h>

static size_t min3(size_t a, size_t b, size_t c)
{
        size_t m = a < b ? a : b;
        return m < c ? m : c;
}

size_t str_edit_distance(const char *a, const char *b, size_t limit)
{
        size_t la = strlen(a), lb = strlen(b);
        size_t *base, *prev2, *prev, *cur, result;

        if ((la > lb ? la - lb : lb - la) > limit)
                return limit + 1;
        base = calloc(3 * (lb + 1), sizeof(size_t));
        if (!base)
                return limit + 1;
        prev2 = base;
        prev = prev2 + lb + 1;
        cur = prev + lb + 1;
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t row_min;
                cur[0] = i;
                row_min = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            prev2[j - 2] + 1 < cur[j])
                                cur[j] = prev2[j - 2] + 1;
                        if (cur[j] < row_min)
                                row_min = cur[j];
                }
                if (row_min > limit) {
                        free(base);
                        return limit + 1;
                }
                /* rotate the three rows */
                size_t *t = prev2;
                prev2 = prev;
                prev = cur;
                cur = t;
        }
        result = prev[lb];
        free(base);
        return result;
}

static size_t common_prefix(const char *a, const char *b)
{
        size_t n = 0;

        while (a[n] && a[n] == b[n])
                n++;
        return n;
}

/* Characters one word has that the other lacks, counted both ways; the larger
 * count bounds the edit distance from below (an edit changes at most one
 * character of each side, and a transposition changes none). `need` holds the
 * word's character counts (wlen of them) and is left as it was found. */
static size_t bag_distance(int need[256], size_t wlen, const char *cand, size_t clen)
{
        size_t extra = 0, missing;
        const unsigned char *c;

        for (c = (const unsigned char *)cand; *c; c++)
                if (need[*c]-- <= 0)
                        extra++;
        missing = wlen - (clen - extra);
        for (c = (const unsigned char *)cand; *c; c++)
                need[*c]++;
        return extra > missing ? extra : missing;
}

const char *str_closest(const char *word, const char *const *candidates, size_t n)
{
        int need[256] = {0};
        size_t len = strlen(word);
        size_t limit = len >= 9 ? len / 3 : 2;
        const char *best = NULL;
        size_t best_d = limit + 1;

        if (len < 3)
                limit = 1, best_d = 2;
        for (const unsigned char *c = (const unsigned char *)word; *c; c++)
                need[*c]++;
        for (size_t i = 0; i < n; i++) {
                size_t clen = strlen(candidates[i]);
                /* The length difference bounds the distance from below: a long
                 * garbage word is never near a keyword, so skip the quadratic work. */
                if ((clen > len ? clen - len : len - clen) > best_d)
                        continue;
                /* Most candidates share too few letters with the word: a count
                 * of letters rules them out without the quadratic table. */
                if (bag_distance(need, len, candidates[i], clen) > best_d)
                        continue;
                size_t d = str_edit_distance(word, candidates[i], best_d);
                /* on a tie, the longer shared prefix wins: "lbc" is "lblc", not "lc" */
                if (d < best_d || (d == best_d && best && d <= limit &&
                                   common_prefix(word, candidates[i]) > common_prefix(word, best))) {
                        best_d = d;
                        best = candidates[i];
                }
        }
        return best_d == 0 ? NULL : best;
}

bool str_has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

