/** The roll-back's words in a Russian chat: the outcome messages, the card's "last:" lines, the card line and the buttons. */
import { expect, it } from 'vitest';
import { deployLabelsFor } from '../../bot/render/deploy-labels.ts';
import { localizeEvent } from '../../bot/render/event-text.ts';
import { rollbackLabelsFor } from '../../bot/render/rollback-labels.ts';

it('renders every roll-back text the engine writes in Russian, keeping images and names as data', () => {
  const ru = (text: string) => localizeEvent(text, 'ru');
  expect(ru('↩️ Rolled back SHOP-2 (asked by Bob): production runs shop:aaa again and is healthy.')).toBe(
    '↩️ Откат SHOP-2 выполнен (запрос: Bob): прод снова работает на shop:aaa, проверка здоровья пройдена.',
  );
  expect(ru('⚠️ Roll-back of SHOP-2 (asked by Bob) failed: the roll-back hook failed before changing anything (exit 1); production still runs shop:bbb.')).toBe(
    '⚠️ Откат SHOP-2 (запрос: Bob) не удался: the roll-back hook failed before changing anything (exit 1); production still runs shop:bbb.',
  );
  expect(ru('🆘 Roll-back of SHOP-2 (asked by Bob) left production in an unknown state: timed out. A person must check production now.')).toBe(
    '🆘 После отката SHOP-2 (запрос: Bob) состояние прода неизвестно: timed out. Проверьте прод сейчас.',
  );
  expect(ru('roll-back to shop:aaa requested by Bob')).toBe('откат на shop:aaa запрошен: Bob');
  expect(ru('rolled back to shop:aaa')).toBe('откат на shop:aaa выполнен');
  expect(ru('roll-back failed; production unchanged')).toBe('откат не удался; прод не изменён');
  expect(ru('roll-back: production state unknown')).toBe('откат: состояние прода неизвестно');
  const L = rollbackLabelsFor('ru');
  expect(L.cardLine('rolled-back', 'shop:aaa', 'Bob', '14:02 UTC', '')).toBe('↩️ Откат на shop:aaa выполнен: Bob · 14:02 UTC');
  expect(L.alreadyDone('Bob', '14:02 UTC', 'rolled-back')).toBe('Эта выкладка уже откачена: Bob, 14:02 UTC.');
  expect([deployLabelsFor('ru').rollBack, L.confirm, L.cancel]).toEqual(['↩️ Откатить', 'Подтвердить откат', 'Отмена']);
});
